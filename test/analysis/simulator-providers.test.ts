// The Datadog (official client) and Prometheus providers against the embedded simulator's
// traffic model: healthy traffic passes, a 30% 5xx release fails at the first sample, no data
// fails unless skipOnNoData, and Datadog 5xx / 429 / timeouts / bad keys are counted failures.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../runtime/simulator/index.ts";
import { systemClock } from "../../runtime/clock/clock.ts";
import { runAnalysis } from "../../runtime/analysis/run-analysis.ts";
import { MemoryPreviousRuns } from "../../runtime/analysis/previous-runs.ts";
import { DatadogProvider } from "../../runtime/analysis/providers/datadog.ts";
import { simulatorClock } from "../../runtime/analysis/providers/metric-clock.ts";
import type { AnalysisParams, MetricsProvider } from "../../runtime/analysis/types.ts";
import { metric } from "./fakes.ts";
import { CANARY_SCENARIO, ddErrorRate, promErrorRate, simProviders, tgDimension } from "./helpers.ts";

// One simulated minute = 100 real ms, on both sides.
const SCALE = 600;

describe("analysis providers on the simulator", () => {
  let sim: Simulator;
  let providers: Map<string, MetricsProvider>;
  let primaryTg = "";

  const analyse = (params: Partial<AnalysisParams>, p = providers) => {
    const clock = systemClock(SCALE);
    return runAnalysis(
      { deploymentId: "d-sim", nodeId: "analysis", app: "web", params: { durationMs: 120_000, metrics: [], http: [], logs: [], ...params }, clock, signal: new AbortController().signal, nodeStartedAt: clock.now() },
      { providers: p, previous: new MemoryPreviousRuns() },
    );
  };

  before(async () => {
    sim = await startSimulator({ scenario: CANARY_SCENARIO, timeScale: SCALE, seed: 7 });
    providers = simProviders(sim);
    primaryTg = tgDimension(sim, "demo-primary");
  });
  after(async () => {
    await sim?.close();
  });

  test("the providers read the simulator's clock, not the wall clock", async () => {
    const p = providers.get("datadog")!;
    // Bracketed by two reads of the simulator's clock: how long the call takes (scaled) does not matter.
    const lo = sim.now();
    const now = await p.now();
    const hi = sim.now();
    assert.ok(now >= lo - 5_000 && now <= hi + 5_000, `provider now ${now} vs sim ${lo}..${hi}`);
  });

  test("Datadog: healthy primary traffic passes THRESHOLD", async () => {
    const out = await analyse({ metrics: [metric({ provider: "datadog", variants: ["primary"], queries: { primary: ddErrorRate(primaryTg) }, expected: { max: 0.01 } })] });
    assert.equal(out.passed, true, out.message);
    assert.equal(out.samples.length, 2);
    for (const s of out.samples) {
      assert.ok(s.values.primary!.length >= 1, "points in the window");
      assert.ok(s.window!.to - s.window!.from === 60_000);
    }
  });

  test("Prometheus API (simulator): healthy primary traffic passes THRESHOLD", async () => {
    const out = await analyse({ metrics: [metric({ provider: "prometheus", variants: ["primary"], queries: { primary: promErrorRate(primaryTg) }, expected: { max: 0.01 } })] });
    assert.equal(out.passed, true, out.message);
    assert.ok(out.samples[0].values.primary!.length >= 5, "about six points per window (step = interval / 6)");
  });

  test("no data (unknown target group) fails; with skipOnNoData it passes and says so", async () => {
    const q = ddErrorRate("targetgroup/nope/0000");
    const failed = await analyse({ durationMs: 60_000, metrics: [metric({ provider: "datadog", variants: ["canary"], queries: { canary: q } })] });
    assert.equal(failed.passed, false);
    assert.equal(failed.failingSample!.verdict, "nodata");
    assert.match(failed.message, /Datadog returned no series/);
    const skipped = await analyse({ durationMs: 60_000, metrics: [metric({ provider: "datadog", variants: ["canary"], queries: { canary: q }, skipOnNoData: true })] });
    assert.equal(skipped.passed, true);
    assert.equal(skipped.samples[0].verdict, "nodata");
  });

  test("Datadog 5xx: every sample is an error with Datadog's message and counts against failureLimit", async () => {
    sim.setFaults([{ service: "datadog", operation: "query", errorRate: 1 }]);
    try {
      const out = await analyse({ durationMs: 180_000, metrics: [metric({ provider: "datadog", variants: ["primary"], queries: { primary: ddErrorRate(primaryTg) }, failureLimit: 1 })] });
      assert.equal(out.passed, false);
      assert.deepEqual(out.samples.map((s) => s.verdict), ["error", "error"]);
      assert.match(out.message, /Datadog answered HTTP 500: Internal Server Error/);
    } finally {
      sim.setFaults([]);
    }
  });

  test("Datadog 429 twice: retried with back-off, then the sample passes", async () => {
    const before = sim.state.calls["datadog:query"] ?? 0;
    sim.setFaults([{ service: "datadog", operation: "query", throttleRate: 1, count: 2 }]);
    try {
      const out = await analyse({ durationMs: 60_000, metrics: [metric({ provider: "datadog", variants: ["primary"], queries: { primary: ddErrorRate(primaryTg) } })] });
      assert.equal(out.passed, true, out.message);
      assert.equal((sim.state.calls["datadog:query"] ?? 0) - before, 3);
    } finally {
      sim.setFaults([]);
    }
  });

  test("Datadog timeout: no answer within timeoutMs is an error sample", async () => {
    sim.setFaults([{ service: "datadog", operation: "query", latencyMs: 4_000 }]);
    try {
      // A query timeout is real time at any time scale: 1 s, and the simulator answers after 4 s.
      const out = await analyse({ durationMs: 60_000, metrics: [metric({ provider: "datadog", variants: ["primary"], queries: { primary: ddErrorRate(primaryTg) }, timeoutMs: 1_000 })] });
      assert.equal(out.passed, false);
      assert.match(out.failingSample!.reason, /no answer within the query timeout of 1s/);
    } finally {
      sim.setFaults([]);
    }
  });

  test("a wrong Datadog key is a 403 error with a hint, not retried", async () => {
    const strict = await startSimulator({ scenario: CANARY_SCENARIO, timeScale: SCALE, datadogApiKeys: ["right"] });
    try {
      const p = new DatadogProvider({ name: "datadog", address: strict.url, apiKey: "wrong", applicationKey: "x", now: simulatorClock(strict.url) });
      const out = await analyse({ durationMs: 60_000, metrics: [metric({ provider: "datadog", variants: ["primary"], queries: { primary: ddErrorRate(tgDimension(strict, "demo-primary")) } })] }, new Map([["datadog", p]]));
      assert.equal(out.passed, false);
      assert.match(out.message, /HTTP 403: Forbidden \(check apiKeyFile \/ applicationKeyFile\)/);
      assert.equal(strict.state.calls["datadog:query"], 1);
    } finally {
      await strict.close();
    }
  });

  test("a release with 30% 5xx fails THRESHOLD at the first sample after delay", async () => {
    sim.setBehaviour("web:1", { errorRate: 0.3 });
    try {
      const out = await analyse({ durationMs: 600_000, metrics: [metric({ provider: "datadog", variants: ["primary"], queries: { primary: ddErrorRate(primaryTg) }, delayMs: 0, expected: { max: 0.05 } })] });
      assert.equal(out.passed, false);
      const s = out.failingSample!;
      assert.equal(s.sample, 1);
      assert.ok(s.at >= 60_000, `failed ${s.at} ms after the start (interval 60 s)`);
      const value = (s.detail as { value: number }).value;
      // The first window may still hold a few seconds from before the change.
      assert.ok(value > 0.1 && value < 0.4, `5xx ratio ${value}`);
    } finally {
      sim.setBehaviour("web:1", { errorRate: 0.001 });
    }
  });
});
