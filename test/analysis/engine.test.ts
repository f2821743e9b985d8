// The ANALYSIS engine with scripted providers: sampling schedule, failureLimit, no data,
// provider errors and retries, timeouts, journaled resume.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { systemClock } from "../../runtime/clock/clock.ts";
import { runAnalysis, type AnalysisRun } from "../../runtime/analysis/run-analysis.ts";
import { MemoryPreviousRuns } from "../../runtime/analysis/previous-runs.ts";
import { ProviderError } from "../../runtime/analysis/providers/errors.ts";
import type { AnalysisParams, MetricsProvider, SampleRecord } from "../../runtime/analysis/types.ts";
import { StageError } from "../../runtime/executor/interrupt.ts";
import { metric, scriptedProvider } from "./fakes.ts";

// 1 deployment minute = 50 real ms.
const SCALE = 1200;

function run(params: Partial<AnalysisParams>, provider: MetricsProvider, extra: Partial<AnalysisRun> = {}) {
  const samples: string[] = [];
  const clock = systemClock(SCALE);
  const r: AnalysisRun = {
    deploymentId: "d-1",
    nodeId: "analysis",
    app: "web",
    params: { durationMs: 180_000, metrics: [], http: [], logs: [], ...params },
    clock,
    signal: new AbortController().signal,
    nodeStartedAt: clock.now(),
    onSample: (_s, m) => samples.push(m),
    ...extra,
  };
  return { promise: runAnalysis(r, { providers: new Map([[provider.name, provider]]), previous: new MemoryPreviousRuns() }), samples };
}

describe("analysis engine", () => {
  test("a healthy metric passes after the duration, one sample per interval", async () => {
    const p = scriptedProvider(() => ({ series: [0.001, 0.002] }));
    const t0 = Date.now();
    const out = await run({ metrics: [metric()] }, p).promise;
    assert.equal(out.passed, true, out.message);
    assert.equal(out.samples.length, 3);
    assert.deepEqual(out.samples.map((s) => s.verdict), ["pass", "pass", "pass"]);
    assert.ok(Date.now() - t0 >= (180_000 / SCALE) * 0.9, "waited for the duration");
    // window = [now - delay - interval, now - delay]
    for (const c of p.calls) assert.equal(c.window.to - c.window.from, 60_000);
  });

  test("a bad canary fails at the first sample after delay (failureLimit 0) with the reason", async () => {
    const p = scriptedProvider(() => ({ series: [0.3, 0.31] }));
    const out = await run({ durationMs: 600_000, metrics: [metric({ delayMs: 30_000 })] }, p).promise;
    assert.equal(out.passed, false);
    assert.equal(out.samples.length, 1);
    const s = out.failingSample!;
    assert.equal(s.sample, 1);
    // Not before delay + interval (how much later depends on the machine: scaled time).
    assert.ok(s.at >= 90_000, `failed at ${s.at} ms (delay 30s + interval 60s)`);
    assert.match(out.message, /metrics\[0\] fake THRESHOLD had 1 failed samples, more than its failureLimit of 0/);
    assert.match(out.message, /value 0\.305 \(mean of 2 points\) is above max 0\.01/);
    const w = p.calls[0].window;
    assert.equal(w.to - w.from, 60_000);
  });

  test("failureLimit: the analysis fails only when failures exceed it", async () => {
    const seq = [0.5, 0.001, 0.5, 0.001];
    const p = scriptedProvider((_q, _w, n) => ({ series: [seq[n - 1] ?? 0] }));
    const out = await run({ durationMs: 240_000, metrics: [metric({ failureLimit: 1 })] }, p).promise;
    assert.equal(out.passed, false);
    assert.equal(out.failingSample!.sample, 3);
    assert.equal(out.checks[0].failures, 2);
  });

  test("no data counts as a failure unless skipOnNoData", async () => {
    const empty = scriptedProvider(() => ({ noData: true, reason: "no series" }));
    const failed = await run({ metrics: [metric()] }, empty).promise;
    assert.equal(failed.passed, false);
    assert.equal(failed.failingSample!.verdict, "nodata");
    assert.match(failed.message, /no data \(canary: no series\)/);

    const skipped = await run({ metrics: [metric({ skipOnNoData: true })] }, scriptedProvider(() => ({ noData: true }))).promise;
    assert.equal(skipped.passed, true);
    assert.deepEqual(skipped.samples.map((s) => [s.verdict, s.counted]), [["nodata", false], ["nodata", false], ["nodata", false]]);
    assert.match(skipped.message, /3 without data/);
  });

  test("provider 5xx is an error sample with the provider's message, counted, never a crash", async () => {
    const p = scriptedProvider(() => {
      throw new ProviderError("Datadog answered HTTP 500: Internal Server Error", true, 500);
    });
    const out = await run({ metrics: [metric({ failureLimit: 0 })] }, p).promise;
    assert.equal(out.passed, false);
    assert.equal(out.failingSample!.verdict, "error");
    assert.match(out.failingSample!.reason, /HTTP 500: Internal Server Error/);
    assert.equal(p.calls.length, 4, "retried with back-off (4 attempts)");
  });

  test("429 then success: retried with back-off inside the sample", async () => {
    const p = scriptedProvider((_q, _w, n) => {
      if (n <= 2) throw new ProviderError("Datadog answered HTTP 429: Rate limit exceeded", true, 429, 500);
      return { series: [0] };
    });
    const logs: string[] = [];
    const out = await run({ durationMs: 60_000, metrics: [metric()] }, p, { onLog: (m) => logs.push(m) }).promise;
    assert.equal(out.passed, true, out.message);
    assert.equal(logs.length, 2);
    assert.match(logs[0], /429.*retry 1/);
  });

  test("non-retryable 4xx is not retried", async () => {
    const p = scriptedProvider(() => {
      throw new ProviderError("Datadog answered HTTP 400: Error parsing query", false, 400);
    });
    const out = await run({ durationMs: 60_000, metrics: [metric()] }, p).promise;
    assert.equal(out.passed, false);
    assert.equal(p.calls.length, 1);
  });

  test("a query that does not answer within timeoutMs is an error sample", async () => {
    const p = scriptedProvider((_q, _w) => new Promise(() => {}));
    const hanging: MetricsProvider = { ...p, name: "fake", query: (_q, _w, signal) => new Promise((_r, reject) => signal.addEventListener("abort", () => reject(signal.reason))) };
    const out = await run({ durationMs: 60_000, metrics: [metric({ timeoutMs: 1_000 })] }, hanging).promise;
    assert.equal(out.passed, false);
    assert.match(out.failingSample!.reason, /no answer within the query timeout of 1s/);
  });

  test("CANARY_PRIMARY queries both variants over the same window", async () => {
    const p = scriptedProvider((q) => ({ series: q.includes("canary") ? [0.3, 0.31, 0.29, 0.3, 0.32, 0.3] : [0, 0.001, 0, 0.002, 0, 0.001] }));
    const out = await run({ durationMs: 60_000, metrics: [metric({ strategy: "CANARY_PRIMARY", variants: ["canary", "primary"] })] }, p).promise;
    assert.equal(out.passed, false);
    assert.deepEqual(p.calls[0].window, p.calls[1].window);
    assert.match(out.message, /canary is significantly higher/);
    assert.equal(out.failingSample!.values.primary!.length, 6);
  });

  test("PREVIOUS: remembers a passing run and compares the next deployment with it", async () => {
    const previous = new MemoryPreviousRuns();
    const clock = systemClock(SCALE);
    const params = () => ({ durationMs: 120_000, metrics: [metric({ strategy: "PREVIOUS" })], http: [], logs: [] });
    const base = { nodeId: "analysis", app: "web", clock, signal: new AbortController().signal };
    const good = scriptedProvider(() => ({ series: [0, 0.001, 0, 0.002, 0.001, 0] }));
    const first = await runAnalysis({ ...base, deploymentId: "d-1", params: params(), nodeStartedAt: clock.now() }, { providers: new Map([["fake", good]]), previous });
    assert.equal(first.passed, true);
    assert.match(first.samples[0].reason, /no previous successful deployment/);
    const bad = scriptedProvider(() => ({ series: [0.3, 0.2, 0.25, 0.31] }));
    const second = await runAnalysis({ ...base, deploymentId: "d-2", params: params(), nodeStartedAt: clock.now() }, { providers: new Map([["fake", bad]]), previous });
    assert.equal(second.passed, false);
    assert.match(second.message, /previous deployment d-1/);
    assert.equal(second.failingSample!.values.previous!.length, 12);
  });

  test("journaled samples are not taken again on resume", async () => {
    const journal = new Map<string, SampleRecord>();
    const j = async (name: string, _i: unknown, f: () => Promise<SampleRecord>) => {
      if (!journal.has(name)) journal.set(name, await f());
      return journal.get(name)!;
    };
    const p = scriptedProvider(() => ({ series: [0] }));
    const clock = systemClock(SCALE);
    const startedAt = clock.now();
    await run({ metrics: [metric()] }, p, { journal: j, nodeStartedAt: startedAt }).promise;
    assert.equal(p.calls.length, 3);
    // "Restart": same node start, same journal; nothing is queried again.
    const again = await run({ metrics: [metric()] }, p, { journal: j, nodeStartedAt: startedAt }).promise;
    assert.equal(again.passed, true);
    assert.equal(p.calls.length, 3);
  });

  test("an interrupted node (timeout, cancel) rejects with the interrupt", async () => {
    const ac = new AbortController();
    const p = scriptedProvider(() => ({ series: [0] }));
    const { promise } = run({ durationMs: 600_000, metrics: [metric()] }, p, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error("node timeout")), 80);
    await assert.rejects(promise, /node timeout/);
  });

  test("log analysis and empty analyses are refused with a clear message", async () => {
    const p = scriptedProvider(() => ({ series: [0] }));
    await assert.rejects(run({ logs: [{ variant: "canary", provider: "stackdriver", query: "x", intervalMs: 1, delayMs: 0, failureLimit: 0, skipOnNoData: false, timeoutMs: 1 }] }, p).promise, StageError);
    await assert.rejects(run({}, p).promise, /nothing to judge/);
  });

  test("an unknown provider is an error sample naming the known ones", async () => {
    const p = scriptedProvider(() => ({ series: [0] }));
    const out = await run({ durationMs: 60_000, metrics: [metric({ provider: "prom" })] }, p).promise;
    assert.match(out.message, /analysis provider "prom" is not configured in the runtime \(known: fake\)/);
  });
});
