// A tiny metrics registry rendered in the Prometheus text format (GET /metrics).
// Counters and summaries (sum + count) with labels; gauges are computed at scrape time.

type Labels = Record<string, string>;

const key = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
    .join(",");

export class Counter {
  readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels)) ?? 0;
  }
  total(): number {
    let t = 0;
    for (const v of this.values.values()) t += v;
    return t;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ""} ${v}`);
    return lines.join("\n");
  }
}

export class Summary {
  readonly values = new Map<string, { sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  observe(labels: Labels, value: number): void {
    const k = key(labels);
    const v = this.values.get(k) ?? { sum: 0, count: 0 };
    v.sum += value;
    v.count += 1;
    this.values.set(k, v);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} summary`];
    for (const [k, v] of this.values) {
      lines.push(`${this.name}_sum${k ? `{${k}}` : ""} ${v.sum}`);
      lines.push(`${this.name}_count${k ? `{${k}}` : ""} ${v.count}`);
    }
    return lines.join("\n");
  }
}

export function gauge(name: string, help: string, values: Array<[Labels, number]>): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
  for (const [labels, v] of values) {
    const k = key(labels);
    lines.push(`${name}${k ? `{${k}}` : ""} ${v}`);
  }
  return lines.join("\n");
}

/** The runtime's metrics. One instance per runtime (tests create several). */
export class RuntimeMetrics {
  readonly awsCalls = new Counter("kanaria_aws_calls_total", "AWS API calls issued (each retry counts).");
  readonly awsThrottles = new Counter("kanaria_aws_throttles_total", "AWS API calls answered with a throttling error.");
  readonly awsErrors = new Counter("kanaria_aws_errors_total", "AWS API calls that failed with a server or network error.");
  readonly awsTimeouts = new Counter("kanaria_aws_call_timeouts_total", "AWS API calls abandoned after the per-call timeout (the call may have taken effect).");
  readonly stageDuration = new Summary("kanaria_stage_duration_seconds", "Real time spent executing a stage, by stage and result.");
  readonly deploymentsFinished = new Counter("kanaria_deployments_finished_total", "Deployments that reached a final state.");
}
