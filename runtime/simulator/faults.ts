// Fault injection: throttling, server errors and added latency, per service and operation.
// Decisions use the simulator's seeded fault stream, so a run with the same seed and the same
// sequence of calls sees the same faults.

export type ServiceName = "ecs" | "elbv2" | "datadog" | "prometheus";

export interface FaultRule {
  /** Operation name (`DescribeServices`, `ModifyRule`, `query`, ...) or `*` (default). */
  operation?: string;
  /** Limit to one service; default all. */
  service?: ServiceName | "*";
  /** Probability (0..1) of answering with the service's throttling error. */
  throttleRate?: number;
  /** Probability (0..1) of answering with a 5xx. */
  errorRate?: number;
  /** Real milliseconds added before answering. */
  latencyMs?: number;
  /** Stop after this many injected errors (throttle or 5xx); default unlimited. */
  count?: number;
}

export interface FaultDecision {
  latencyMs: number;
  kind: "throttle" | "error" | null;
}

export function validateFaultRule(rule: unknown): FaultRule {
  if (typeof rule !== "object" || rule === null || Array.isArray(rule)) throw new Error("a fault rule must be an object");
  const r = rule as Record<string, unknown>;
  const known = new Set(["operation", "service", "throttleRate", "errorRate", "latencyMs", "count"]);
  for (const key of Object.keys(r)) if (!known.has(key)) throw new Error(`unknown fault rule key "${key}"`);
  for (const key of ["throttleRate", "errorRate"]) {
    const v = r[key];
    if (v !== undefined && (typeof v !== "number" || v < 0 || v > 1)) throw new Error(`${key} must be a number in 0..1`);
  }
  for (const key of ["latencyMs", "count"]) {
    const v = r[key];
    if (v !== undefined && (typeof v !== "number" || v < 0)) throw new Error(`${key} must be a non-negative number`);
  }
  if (r.operation !== undefined && typeof r.operation !== "string") throw new Error("operation must be a string");
  if (r.service !== undefined && !["ecs", "elbv2", "datadog", "prometheus", "*"].includes(r.service as string)) {
    throw new Error("service must be one of ecs, elbv2, datadog, prometheus, *");
  }
  return { ...(r as FaultRule) };
}

function matches(rule: FaultRule, service: ServiceName, operation: string): boolean {
  const s = rule.service ?? "*";
  const o = rule.operation ?? "*";
  return (s === "*" || s === service) && (o === "*" || o === operation);
}

/** Decide what happens to one call. Mutates `count` on rules that fire. */
export function decideFault(rules: FaultRule[], service: ServiceName, operation: string, rand: () => number): FaultDecision {
  let latencyMs = 0;
  let kind: FaultDecision["kind"] = null;
  for (const rule of rules) {
    if (!matches(rule, service, operation)) continue;
    latencyMs = Math.max(latencyMs, rule.latencyMs ?? 0);
    if (kind !== null || (rule.count !== undefined && rule.count <= 0)) continue;
    if (rule.throttleRate && rand() < rule.throttleRate) kind = "throttle";
    else if (rule.errorRate && rand() < rule.errorRate) kind = "error";
    if (kind !== null && rule.count !== undefined) rule.count -= 1;
  }
  return { latencyMs, kind };
}
