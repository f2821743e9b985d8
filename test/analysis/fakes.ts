// Test doubles for the analysis engine: a scripted metrics provider and ANALYSIS params.
import type { MetricParams, MetricsProvider, QueryResult, QueryWindow } from "../../runtime/analysis/types.ts";

export interface Call {
  query: string;
  window: QueryWindow;
}

export function scriptedProvider(answer: (query: string, w: QueryWindow, n: number) => QueryResult | Promise<QueryResult>, name = "fake"): MetricsProvider & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    name,
    type: "FAKE",
    calls,
    now: async () => 1_700_000_000_000 + calls.length,
    async query(query, window, signal) {
      calls.push({ query, window });
      if (signal.aborted) throw signal.reason;
      return answer(query, window, calls.length);
    },
  };
}

export function metric(o: Partial<MetricParams> = {}): MetricParams {
  return {
    provider: "fake",
    strategy: "THRESHOLD",
    variants: ["canary"],
    queries: { canary: "error_rate{canary}", primary: "error_rate{primary}", baseline: "error_rate{baseline}" },
    expected: { max: 0.01 },
    deviation: "HIGH",
    intervalMs: 60_000,
    delayMs: 0,
    failureLimit: 0,
    skipOnNoData: false,
    timeoutMs: 30_000,
    ...o,
  };
}
