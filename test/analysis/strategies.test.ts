// Strategies, schedule and the previous-run store: pure functions.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { judgeThreshold } from "../../runtime/analysis/strategies/threshold.ts";
import { compareSeries } from "../../runtime/analysis/strategies/compare.ts";
import { judgeCanary } from "../../runtime/analysis/strategies/canary.ts";
import { judgePrevious } from "../../runtime/analysis/strategies/previous.ts";
import { analysisEnd, sampleOffsets, stepFor, windowAt } from "../../runtime/analysis/schedule.ts";
import { MemoryPreviousRuns, valuesFor } from "../../runtime/analysis/previous-runs.ts";

describe("THRESHOLD", () => {
  test("the sample value is the mean of the window's points; bounds are inclusive", () => {
    assert.equal(judgeThreshold([0.01, 0.01], { max: 0.01 }).verdict, "pass");
    const j = judgeThreshold([0, 0.02, 0.04], { max: 0.01 });
    assert.equal(j.verdict, "fail");
    assert.match(j.reason, /value 0\.02 \(mean of 3 points\) is above max 0\.01/);
    assert.equal(judgeThreshold([5], { min: 10 }).verdict, "fail");
    assert.equal(judgeThreshold([10, 20], { min: 10, max: 20 }).verdict, "pass");
  });

  test("no points is no data, never a pass", () => {
    assert.equal(judgeThreshold([], { max: 1 }).verdict, "nodata");
  });
});

describe("CANARY_* / comparison", () => {
  const primary = [0.001, 0.002, 0.0, 0.001, 0.003, 0.002];
  const bad = [0.3, 0.28, 0.31, 0.33, 0.29, 0.3];
  test("HIGH fails when the canary is significantly higher, passes when it is lower", () => {
    const j = judgeCanary(bad, primary, "primary", "HIGH");
    assert.equal(j.verdict, "fail");
    assert.match(j.reason, /canary is significantly higher/);
    assert.ok((j.detail!.p as number) < 0.05);
    assert.equal(judgeCanary(primary.map((v) => v / 2), bad, "primary", "HIGH").verdict, "pass");
  });

  test("LOW and EITHER", () => {
    assert.equal(compareSeries(primary, bad, "LOW", { a: "canary", b: "baseline" }).verdict, "fail");
    assert.equal(compareSeries(bad, primary, "LOW", { a: "canary", b: "baseline" }).verdict, "pass");
    assert.equal(compareSeries(bad, primary, "EITHER", { a: "canary", b: "baseline" }).verdict, "fail");
    assert.equal(compareSeries(primary, bad, "EITHER", { a: "canary", b: "baseline" }).verdict, "fail");
  });

  test("identical healthy series pass", () => {
    assert.equal(judgeCanary([0, 0, 0, 0.001, 0, 0], [0, 0, 0.001, 0, 0, 0], "primary", "HIGH").verdict, "pass");
  });

  test("too few points to ever be significant is no data, not a pass", () => {
    const j = judgeCanary([0.9], [0.0], "primary", "HIGH");
    assert.equal(j.verdict, "nodata");
    assert.match(j.reason, /too few points/);
    assert.equal(judgeCanary([], [0.1, 0.2, 0.3], "primary", "HIGH").verdict, "nodata");
  });
});

describe("PREVIOUS", () => {
  test("without a previous run it passes and says so", () => {
    const j = judgePrevious([0.5, 0.6], null, "HIGH");
    assert.equal(j.verdict, "pass");
    assert.match(j.reason, /no previous successful deployment/);
  });

  test("compares with the previous run's values", () => {
    const prev = { deploymentId: "d-old", at: 0, values: [0, 0.001, 0, 0.002, 0.001, 0, 0, 0.001] };
    const j = judgePrevious([0.3, 0.25, 0.31, 0.29], prev, "HIGH");
    assert.equal(j.verdict, "fail");
    assert.match(j.reason, /previous deployment d-old/);
    assert.equal(judgePrevious([0.001, 0, 0.001, 0], prev, "HIGH").verdict, "pass");
  });

  test("the in-memory store returns the newest run of another deployment", async () => {
    const s = new MemoryPreviousRuns();
    const key = { app: "web", provider: "dd", query: "q" };
    assert.equal(await s.find(key, "d-1"), null);
    await s.record(key, { deploymentId: "d-1", at: 1, values: [1] });
    await s.record(key, { deploymentId: "d-2", at: 2, values: [2] });
    assert.deepEqual((await s.find(key, "d-3"))?.values, [2]);
    assert.deepEqual((await s.find(key, "d-2"))?.values, [1]);
    assert.equal(await s.find({ ...key, app: "api" }, "d-3"), null);
  });

  test("valuesFor picks the judged variant's points of the same PREVIOUS metric", () => {
    const base = { kind: "metrics" as const, index: 0, variants: ["canary" as const], window: null, counted: false, reason: "", at: 0, verdict: "pass" as const };
    const samples = [
      { ...base, sample: 1, strategy: "PREVIOUS" as const, provider: "dd", query: { canary: "q" }, values: { canary: [1, 2] } },
      { ...base, sample: 2, strategy: "PREVIOUS" as const, provider: "dd", query: { canary: "other" }, values: { canary: [9] } },
      { ...base, sample: 3, strategy: "THRESHOLD" as const, provider: "dd", query: { canary: "q" }, values: { canary: [8] } },
    ];
    assert.deepEqual(valuesFor(samples, { provider: "dd", query: "q" }), [1, 2]);
  });
});

describe("schedule", () => {
  test("samples at delay + k*interval while within the duration", () => {
    assert.deepEqual(sampleOffsets({ intervalMs: 60_000, delayMs: 120_000 }, 600_000), [180_000, 240_000, 300_000, 360_000, 420_000, 480_000, 540_000, 600_000]);
    assert.deepEqual(sampleOffsets({ intervalMs: 180_000, delayMs: 0 }, 600_000), [180_000, 360_000, 540_000]);
  });

  test("every check takes at least one sample", () => {
    assert.deepEqual(sampleOffsets({ intervalMs: 300_000, delayMs: 0 }, 60_000), [300_000]);
    assert.equal(analysisEnd(60_000, [{ intervalMs: 300_000, delayMs: 0 }]), 300_000);
  });

  test("the window ends `delay` before the source's now and spans one interval", () => {
    assert.deepEqual(windowAt(1_000_000, { intervalMs: 60_000, delayMs: 30_000 }), { from: 910_000, to: 970_000, stepMs: 10_000 });
    assert.equal(stepFor(600_000), 60_000);
    assert.equal(stepFor(3_000), 1_000);
  });
});
