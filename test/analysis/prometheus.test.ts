// The Prometheus provider against a REAL Prometheus loaded with fixed data (see
// prometheus-server.ts). Skipped with a reason when Prometheus is not installed; under CI=true
// it fails instead.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { systemClock } from "../../runtime/clock/clock.ts";
import { runAnalysis } from "../../runtime/analysis/run-analysis.ts";
import { MemoryPreviousRuns } from "../../runtime/analysis/previous-runs.ts";
import { PrometheusProvider } from "../../runtime/analysis/providers/prometheus.ts";
import type { AnalysisParams, MetricsProvider } from "../../runtime/analysis/types.ts";
import { metric } from "./fakes.ts";
import { findPrometheus, MISSING, PROMETHEUS_PASSWORD, PROMETHEUS_USER, prometheusRequirement, requestsOpenMetrics, startPrometheus, type RunningPrometheus } from "./prometheus-server.ts";

// Fixed data: 2025-01-01 12:00–13:00 UTC. The provider's "now" is pinned to 12:40, so the
// windows fall inside the data whatever the wall clock says.
const START = Date.UTC(2025, 0, 1, 12, 0, 0) / 1000;
const END = START + 3600;
const NOW = (START + 2400) * 1000;
const SCALE = 1200;
const ratio = (variant: string) => `sum(rate(requests_total{variant="${variant}",code="500"}[1m])) / sum(rate(requests_total{variant="${variant}"}[1m]))`;

describe("Prometheus provider against a real Prometheus", prometheusRequirement(), () => {
  let prom: RunningPrometheus | undefined;
  let provider: MetricsProvider;

  before(async () => {
    if (!findPrometheus()) throw new Error(`${MISSING} (CI=true: these tests must run).`);
    prom = await startPrometheus(requestsOpenMetrics(START, END, { primary: 0.002, good: 0.002, bad: 0.3 }), { basicAuth: true });
    provider = new PrometheusProvider({ name: "prom", address: prom.url, username: PROMETHEUS_USER, password: PROMETHEUS_PASSWORD, now: async () => NOW });
  });
  after(async () => {
    await prom?.stop();
  });

  const analyse = (params: Partial<AnalysisParams>, p: MetricsProvider = provider) => {
    const clock = systemClock(SCALE);
    return runAnalysis(
      { deploymentId: "d-prom", nodeId: "analysis", app: "web", params: { durationMs: 120_000, metrics: [], http: [], logs: [], ...params }, clock, signal: new AbortController().signal, nodeStartedAt: clock.now() },
      { providers: new Map([["prom", p]]), previous: new MemoryPreviousRuns() },
    );
  };

  test("query_range returns the window's points", async () => {
    const r = await provider.query(ratio("bad"), { from: NOW - 300_000, to: NOW, stepMs: 60_000 }, AbortSignal.timeout(5_000));
    assert.ok("series" in r, JSON.stringify(r));
    assert.equal(r.series.length, 6);
    for (const v of r.series) assert.ok(v > 0.2 && v < 0.4, `ratio ${v}`);
  });

  test("THRESHOLD: a healthy variant passes, a 30% 5xx one fails at the first sample", async () => {
    const good = await analyse({ metrics: [metric({ provider: "prom", variants: ["canary"], queries: { canary: ratio("good") }, expected: { max: 0.01 } })] });
    assert.equal(good.passed, true, good.message);
    const bad = await analyse({ durationMs: 600_000, metrics: [metric({ provider: "prom", variants: ["canary"], queries: { canary: ratio("bad") }, expected: { max: 0.01 }, delayMs: 60_000 })] });
    assert.equal(bad.passed, false);
    assert.equal(bad.failingSample!.sample, 1);
    assert.ok(bad.failingSample!.at >= 120_000, "sample 1 is taken after delay + interval");
  });

  test("CANARY_PRIMARY: healthy passes, 30% 5xx is significantly higher", async () => {
    const m = (canary: string) => metric({ provider: "prom", strategy: "CANARY_PRIMARY", variants: ["canary", "primary"], queries: { canary: ratio(canary), primary: ratio("primary") }, deviation: "HIGH" });
    assert.equal((await analyse({ metrics: [m("good")] })).passed, true);
    const bad = await analyse({ metrics: [m("bad")] });
    assert.equal(bad.passed, false);
    assert.match(bad.message, /canary is significantly higher/);
  });

  test("a window without data is no data (fails unless skipOnNoData)", async () => {
    const late = new PrometheusProvider({ name: "prom", address: prom!.url, username: PROMETHEUS_USER, password: PROMETHEUS_PASSWORD, now: async () => (END + 7200) * 1000 });
    const out = await analyse({ durationMs: 60_000, metrics: [metric({ provider: "prom", queries: { canary: ratio("good") } })] }, late);
    assert.equal(out.passed, false);
    assert.match(out.message, /Prometheus returned no series/);
    const skipped = await analyse({ durationMs: 60_000, metrics: [metric({ provider: "prom", queries: { canary: ratio("good") }, skipOnNoData: true })] }, late);
    assert.equal(skipped.passed, true);
  });

  test("bad credentials and bad queries are error samples with Prometheus's message", async () => {
    const noAuth = new PrometheusProvider({ name: "prom", address: prom!.url, now: async () => NOW });
    const unauth = await analyse({ durationMs: 60_000, metrics: [metric({ provider: "prom", queries: { canary: ratio("good") } })] }, noAuth);
    assert.match(unauth.message, /HTTP 401.*check usernameFile\/passwordFile or bearerTokenFile/);
    const badQuery = await analyse({ durationMs: 60_000, metrics: [metric({ provider: "prom", queries: { canary: "sum(rate(" } })] });
    assert.match(badQuery.message, /HTTP 400: bad_data: .*parse error/);
  });
});
