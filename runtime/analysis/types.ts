// Shapes shared by the analysis engine, its providers and its strategies. The ANALYSIS node's
// params come from the compiler (compiler/graph/build-graph.ts); everything is in milliseconds.

import type { HttpCheck, LogCheck, MetricCheck, Strategy, Variant } from "../../compiler/validate/generated/types/graph.ts";

// The ANALYSIS node's params, as the graph schema defines them (one definition for the compiler
// that emits them and the engine that reads them).
export type { AnalysisParams, Deviation, Strategy, Variant } from "../../compiler/validate/generated/types/graph.ts";
export type MetricParams = MetricCheck;
export type HttpParams = HttpCheck;
export type LogParams = LogCheck;
/** How a check samples (common to metric, HTTP and log checks). */
export type SamplingParams = Pick<MetricCheck, "intervalMs" | "delayMs" | "failureLimit" | "skipOnNoData" | "timeoutMs">;

/** Query window in the metric source's epoch milliseconds. */
export interface QueryWindow {
  from: number;
  to: number;
  /** Resolution asked of providers that take one (Prometheus `step`). */
  stepMs: number;
}

export type QueryResult = { series: number[] } | { noData: true; reason?: string };

/** A metrics backend. Errors are thrown as ProviderError (see providers/errors.ts). */
export interface MetricsProvider {
  readonly name: string;
  readonly type: string;
  query(query: string, window: QueryWindow, signal: AbortSignal): Promise<QueryResult>;
  /** "Now" of the metric source (epoch ms): windows are computed in its time. */
  now(signal?: AbortSignal): Promise<number>;
}

export type Verdict = "pass" | "fail" | "nodata" | "error";

/** One judged sample: everything needed to explain the verdict. */
export interface SampleRecord {
  /** `metrics`, `http` or `logs`, and the index in that list. */
  kind: "metrics" | "http" | "logs";
  index: number;
  /** 1-based sample number of this check. */
  sample: number;
  strategy?: Strategy;
  provider?: string;
  variants: Variant[];
  /** Query (or URL) per variant. */
  query: Partial<Record<Variant, string>>;
  /** Window in the metric source's time (ISO strings in events, epoch ms here). */
  window: { from: number; to: number } | null;
  /** Values per variant (comparison strategies have two). */
  values: Partial<Record<Variant | "previous", number[]>>;
  verdict: Verdict;
  /** Counts against failureLimit (fail, error, and nodata unless skipOnNoData). */
  counted: boolean;
  reason: string;
  /** Statistic details (sample value, p-value, ...). */
  detail?: Record<string, unknown>;
  /** Deployment-time ms since the node started. */
  at: number;
}

export interface CheckSummary {
  kind: "metrics" | "http" | "logs";
  index: number;
  label: string;
  samples: number;
  failures: number;
  failureLimit: number;
  result: "passed" | "failed" | "stopped";
}
