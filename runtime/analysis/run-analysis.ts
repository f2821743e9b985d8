// The ANALYSIS engine: runs every check of the stage (metrics, http) side by side, each on its
// own schedule (schedule.ts), judges every sample with the check's strategy, records it, and
// stops the whole analysis as soon as one check has more failures than its failureLimit.
// It succeeds when the duration has elapsed. It never throws for a provider problem: a
// timeout, a 5xx or a 429 that outlives the retries is an `error` sample counted against
// failureLimit, with the provider's message.
import { longTimer, type Clock } from "../clock/clock.ts";
import { StageError } from "../executor/interrupt.ts";
import type { PreviousRunStore } from "./previous-runs.ts";
import { runHttpCheck } from "./providers/http-check.ts";
import { withRetry } from "./retry.ts";
import { analysisEnd, sampleOffsets, windowAt } from "./schedule.ts";
import { judgeMetric } from "./strategies/judge-metric.ts";
import type { AnalysisParams, CheckSummary, HttpParams, MetricParams, MetricsProvider, QueryResult, QueryWindow, SampleRecord, SamplingParams, Variant } from "./types.ts";
import { formatDuration } from "../../compiler/resolve/duration.ts";

export interface AnalysisDeps {
  providers: ReadonlyMap<string, MetricsProvider>;
  previous: PreviousRunStore;
  fetch?: typeof fetch;
}

export interface AnalysisRun {
  deploymentId: string;
  nodeId: string;
  app: string;
  params: AnalysisParams;
  clock: Clock;
  signal: AbortSignal;
  /** Real epoch ms the node first started (kept across restarts). */
  nodeStartedAt: number;
  /** Journals one sample (resumable); default: just runs it. */
  journal?: (name: string, intent: unknown, run: () => Promise<SampleRecord>) => Promise<SampleRecord>;
  /** Every sample, with a one-line explanation. */
  onSample?: (sample: SampleRecord, message: string) => void;
  onLog?: (message: string) => void;
}

export interface AnalysisOutcome {
  passed: boolean;
  message: string;
  checks: CheckSummary[];
  samples: SampleRecord[];
  /** The sample that pushed a check over its failureLimit. */
  failingSample?: SampleRecord;
  /** Real epoch ms when that sample was judged. */
  failedAt?: number;
}

/** Thrown by the stage when the analysis fails; carries the outcome for the caller. */
export class AnalysisFailed extends StageError {
  constructor(readonly outcome: AnalysisOutcome) {
    super(outcome.message);
    this.name = "AnalysisFailed";
  }
}

interface Check {
  kind: "metrics" | "http";
  index: number;
  label: string;
  sampling: SamplingParams;
  take(k: number, signal: AbortSignal): Promise<Omit<SampleRecord, "sample" | "counted" | "at">>;
}

class Stop extends Error {}

export function checkLabel(kind: string, index: number, m: { provider?: string; strategy?: string; url?: string }): string {
  return kind === "metrics" ? `metrics[${index}] ${m.provider} ${m.strategy}` : `http[${index}] ${m.url}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

export function describeSample(s: SampleRecord, label: string, failures: number, limit: number): string {
  const win = s.window ? ` [${iso(s.window.from)} – ${iso(s.window.to)}]` : "";
  const tally = s.counted ? ` (failures ${failures}, limit ${limit})` : "";
  return `${label} sample ${s.sample}${win}: ${s.verdict}: ${s.reason}${tally}`;
}

export async function runAnalysis(run: AnalysisRun, deps: AnalysisDeps): Promise<AnalysisOutcome> {
  const p = run.params;
  if (p.logs.length) {
    throw new StageError(`Log analysis (logs[0] provider ${p.logs[0].provider}) is not supported by this runtime: remove the logs entries or use metrics/http checks.`);
  }
  const checks: Check[] = [
    ...p.metrics.map((m, i) => metricCheck(m, i, run, deps)),
    ...p.http.map((h, i) => httpCheck(h, i, deps)),
  ];
  if (checks.length === 0) throw new StageError("The ANALYSIS stage has no metrics or http checks: there is nothing to judge.");

  const end = analysisEnd(p.durationMs, checks.map((c) => c.sampling));
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(run.signal.reason);
  if (run.signal.aborted) throw run.signal.reason;
  run.signal.addEventListener("abort", onOuterAbort, { once: true });

  const samples: SampleRecord[] = [];
  const summaries: CheckSummary[] = checks.map((c) => ({ kind: c.kind, index: c.index, label: c.label, samples: 0, failures: 0, failureLimit: c.sampling.failureLimit, result: "stopped" }));
  let failing: { sample: SampleRecord; at: number; summary: CheckSummary } | undefined;
  const journal = run.journal ?? ((_n: string, _i: unknown, f: () => Promise<SampleRecord>) => f());

  const sleepUntil = async (offset: number) => {
    const remaining = offset - run.clock.since(run.nodeStartedAt);
    if (remaining > 0) await run.clock.sleep(remaining, stop.signal);
    else if (stop.signal.aborted) throw stop.signal.reason;
  };

  const loop = async (c: Check, summary: CheckSummary) => {
    const offsets = sampleOffsets(c.sampling, end);
    for (let k = 1; k <= offsets.length; k++) {
      await sleepUntil(offsets[k - 1]);
      const name = `sample/${c.kind}/${c.index}/${k}`;
      const rec = await journal(name, { check: c.label, sample: k }, async () => {
        const base = await takeSample(c, k, stop.signal);
        const counted = base.verdict === "fail" || base.verdict === "error" || (base.verdict === "nodata" && !c.sampling.skipOnNoData);
        return { ...base, sample: k, counted, at: Math.round(run.clock.since(run.nodeStartedAt)) };
      });
      samples.push(rec);
      summary.samples++;
      if (rec.counted) summary.failures++;
      run.onSample?.(rec, describeSample(rec, c.label, summary.failures, c.sampling.failureLimit));
      if (summary.failures > c.sampling.failureLimit) {
        summary.result = "failed";
        if (!failing) failing = { sample: rec, at: run.clock.now(), summary };
        stop.abort(new Stop());
        return;
      }
    }
    summary.result = "passed";
  };

  try {
    const results = await Promise.allSettled(checks.map((c, i) => loop(c, summaries[i])));
    if (!failing) {
      const bad = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (bad) throw bad.reason;
      await sleepUntil(end);
    }
  } catch (e) {
    if (e instanceof Stop) {
      /* handled below */
    } else throw run.signal.aborted ? run.signal.reason : e;
  } finally {
    run.signal.removeEventListener("abort", onOuterAbort);
  }
  samples.sort((a, b) => a.at - b.at || a.kind.localeCompare(b.kind) || a.index - b.index || a.sample - b.sample);

  if (failing) return { passed: false, message: failureMessage(failing.summary, failing.sample, samples), checks: summaries, samples, failingSample: failing.sample, failedAt: failing.at };
  await rememberForPrevious(p.metrics, samples, run, deps);
  return { passed: true, message: passMessage(checks.length, samples), checks: summaries, samples };
}

/** Why the analysis failed: the check over its limit, and each of its counted samples. */
function failureMessage(summary: CheckSummary, s: SampleRecord, samples: SampleRecord[]): string {
  const counted = samples.filter((x) => x.kind === s.kind && x.index === s.index && x.counted);
  return (
    `${summary.label} had ${summary.failures} failed samples, more than its failureLimit of ${summary.failureLimit}. ` +
    counted.map((x) => `Sample ${x.sample}${x.window ? ` [${iso(x.window.from)} – ${iso(x.window.to)}]` : ""}: ${x.verdict}: ${x.reason}.`).join(" ")
  );
}

function passMessage(checks: number, samples: SampleRecord[]): string {
  const noData = samples.filter((s) => s.verdict === "nodata").length;
  return `Analysis passed: ${checks} check${checks === 1 ? "" : "s"}, ${samples.length} samples${noData ? ` (${noData} without data, skipped by skipOnNoData)` : ""}, failures within limits.`;
}

/** After a success: the values PREVIOUS will compare the next deployment with. */
async function rememberForPrevious(metrics: MetricParams[], samples: SampleRecord[], run: AnalysisRun, deps: AnalysisDeps): Promise<void> {
  for (const [index, m] of metrics.entries()) {
    if (m.strategy !== "PREVIOUS") continue;
    const v = m.variants[0];
    const query = m.queries[v];
    if (!query) continue;
    const values = samples.filter((s) => s.kind === "metrics" && s.index === index).flatMap((s) => s.values[v] ?? []);
    await deps.previous.record({ app: run.app, provider: m.provider, query }, { deploymentId: run.deploymentId, at: run.clock.now(), values });
  }
}

async function takeSample(c: Check, k: number, stopSignal: AbortSignal): Promise<Omit<SampleRecord, "sample" | "counted" | "at">> {
  // A query waits on a socket: its timeout is real time, whatever the time scale.
  const timeout = new AbortController();
  const cancelTimer = longTimer(c.sampling.timeoutMs, () => timeout.abort(new Error("sample timeout")));
  const signal = AbortSignal.any([stopSignal, timeout.signal]);
  try {
    return await c.take(k, signal);
  } catch (e) {
    if (stopSignal.aborted) throw stopSignal.reason;
    const base = { kind: c.kind, index: c.index, variants: [], query: {}, window: null, values: {} };
    if (timeout.signal.aborted) {
      const last = (e as any)?.lastError ? `; last error: ${(e as any).lastError}` : "";
      return { ...base, verdict: "error", reason: `no answer within the query timeout of ${formatDuration(c.sampling.timeoutMs)}${last}` };
    }
    return { ...base, verdict: "error", reason: (e as Error)?.message ?? String(e) };
  } finally {
    cancelTimer();
  }
}


function metricCheck(m: MetricParams, index: number, run: AnalysisRun, deps: AnalysisDeps): Check {
  const label = checkLabel("metrics", index, m);
  return {
    kind: "metrics",
    index,
    label,
    sampling: m,
    async take(_k, signal) {
      const variants = m.variants;
      const query: Partial<Record<Variant, string>> = {};
      for (const v of variants) if (m.queries[v] !== undefined) query[v] = m.queries[v];
      const base = { kind: "metrics" as const, index, strategy: m.strategy, provider: m.provider, variants, query, values: {} as SampleRecord["values"] };
      const provider = deps.providers.get(m.provider);
      if (!provider) {
        const known = [...deps.providers.keys()].join(", ") || "none";
        return { ...base, window: null, verdict: "error", reason: `analysis provider "${m.provider}" is not configured in the runtime (known: ${known})` };
      }
      const missing = variants.filter((v) => query[v] === undefined);
      if (missing.length) return { ...base, window: null, verdict: "error", reason: `the graph has no query for the ${missing.join(", ")} variant` };

      let lastError: string | undefined;
      let window: QueryWindow | undefined;
      const results: Partial<Record<Variant, QueryResult>> = {};
      try {
        const now = await withRetry(() => provider.now(signal), run.clock, signal);
        window = windowAt(now, m);
        const w = window;
        await Promise.all(
          variants.map(async (v) => {
            results[v] = await withRetry(() => provider.query(query[v]!, w, signal), run.clock, signal, (e, attempt, wait) => {
              lastError = e.message;
              run.onLog?.(`${label}: ${e.message}; retry ${attempt} in ${formatDuration(wait)}`);
            });
          }),
        );
      } catch (e) {
        if (signal.aborted) throw Object.assign(new Error("aborted"), { lastError });
        return { ...base, window: window ? { from: window.from, to: window.to } : null, verdict: "error", reason: (e as Error)?.message ?? String(e) };
      }
      const win = { from: window.from, to: window.to };
      const values: SampleRecord["values"] = {};
      for (const v of variants) {
        const r = results[v]!;
        values[v] = "series" in r ? r.series : [];
      }
      const noDataReasons = variants.filter((v) => "noData" in results[v]!).map((v) => `${v}: ${(results[v] as { reason?: string }).reason ?? "no data"}`);
      const judged = await judgeMetric(m, variants, values, (v) => deps.previous.find({ app: run.app, provider: m.provider, query: query[v]! }, run.deploymentId));
      if (judged.previous) values.previous = judged.previous;
      let j = judged.judgement;
      if (j.verdict === "nodata" && noDataReasons.length) j = { ...j, reason: `no data (${noDataReasons.join("; ")})` };
      return { ...base, window: win, values, verdict: j.verdict, reason: j.reason, ...(j.detail ? { detail: j.detail } : {}) };
    },
  };
}

function httpCheck(h: HttpParams, index: number, deps: AnalysisDeps): Check {
  return {
    kind: "http",
    index,
    label: checkLabel("http", index, h),
    sampling: h,
    async take(_k, signal) {
      const r = await runHttpCheck(h, signal, deps.fetch);
      return {
        kind: "http",
        index,
        variants: [h.variant],
        query: { [h.variant]: `${h.method} ${h.url}` },
        window: null,
        values: r.status !== undefined ? { [h.variant]: [r.status] } : {},
        verdict: r.verdict,
        reason: r.reason,
        detail: { elapsedMs: Math.round(r.elapsedMs) },
      };
    },
  };
}

