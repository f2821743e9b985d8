// Fault injection: throttling, server errors and added latency, per service and operation, and
// ambiguous failures: the call takes effect, then its answer is lost (a 500, or the connection
// breaks mid-answer), which is what a caller cannot tell from a failure before the call. Decisions use the simulator's seeded fault stream, so a run with the same seed and the same
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
  /** Probability (0..1) of applying the call, then answering with a 5xx instead of its result. */
  applyThenErrorRate?: number;
  /** Probability (0..1) of applying the call, then breaking the connection mid-answer. */
  applyThenDropRate?: number;
  /** Real milliseconds added before answering (every matching call). */
  latencyMs?: number;
  /**
   * Apply-then faults only: real milliseconds between the effect and the lost answer, so a
   * client's own timeout can fire first, or a process can die in between. Default 0.
   */
  lostAnswerDelayMs?: number;
  /** Stop after this many injected faults (throttle, 5xx, apply-then); default unlimited. */
  count?: number;
}

export type FaultKind = "throttle" | "error" | "apply-then-error" | "apply-then-drop";

export interface FaultDecision {
  latencyMs: number;
  kind: FaultKind | null;
  /** For apply-then faults: the firing rule's lostAnswerDelayMs. */
  lostAnswerDelayMs: number;
}

const RATES = [
  ["throttleRate", "throttle"],
  ["errorRate", "error"],
  ["applyThenErrorRate", "apply-then-error"],
  ["applyThenDropRate", "apply-then-drop"],
] as const;

export function validateFaultRule(rule: unknown): FaultRule {
  if (typeof rule !== "object" || rule === null || Array.isArray(rule)) throw new Error("a fault rule must be an object");
  const r = rule as Record<string, unknown>;
  const known = new Set(["operation", "service", ...RATES.map(([key]) => key), "latencyMs", "lostAnswerDelayMs", "count"]);
  for (const key of Object.keys(r)) if (!known.has(key)) throw new Error(`unknown fault rule key "${key}"`);
  for (const [key] of RATES) {
    const v = r[key];
    if (v !== undefined && (typeof v !== "number" || v < 0 || v > 1)) throw new Error(`${key} must be a number in 0..1`);
  }
  for (const key of ["latencyMs", "lostAnswerDelayMs", "count"]) {
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
  let lostAnswerDelayMs = 0;
  for (const rule of rules) {
    if (!matches(rule, service, operation)) continue;
    latencyMs = Math.max(latencyMs, rule.latencyMs ?? 0);
    if (kind !== null || (rule.count !== undefined && rule.count <= 0)) continue;
    for (const [key, k] of RATES) {
      const rate = rule[key];
      if (rate && rand() < rate) {
        kind = k;
        break;
      }
    }
    if (kind === null) continue;
    if (rule.count !== undefined) rule.count -= 1;
    lostAnswerDelayMs = rule.lostAnswerDelayMs ?? 0;
  }
  return { latencyMs, kind, lostAnswerDelayMs };
}
