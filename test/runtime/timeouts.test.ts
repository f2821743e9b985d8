// How stage timeouts count: the time a runtime ran the node, never the time no runtime ran
// (a restart longer than what was left of a timeout must not fail a healthy release); waits and
// timeouts longer than setTimeout's 32-bit limit wait instead of firing at once.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { LIMIT_REAL_FLOOR_MS, longTimer, systemClock } from "../../runtime/clock/clock.ts";
import type { Graph } from "../../runtime/executor/graph.ts";
import type { Runtime } from "../../runtime/executor/runtime.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";
import { compileFixture, simRuntime, startSim, targetGroupArns, tempDir } from "./helpers.ts";
import { until } from "../helpers/until.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The canary fixture with the bake WAIT's duration and timeout (and the deployment's) replaced. */
function withBake(graph: Graph, durationMs: number, timeoutMs: number, deploymentTimeoutMs = graph.timeoutMs): Graph {
  const nodes = graph.nodes.map((n) => (n.id === "bake" ? { ...n, timeoutMs, params: { ...n.params, durationMs } } : n));
  return { ...graph, nodes, timeoutMs: deploymentTimeoutMs, digest: `${graph.digest}-${durationMs}-${timeoutMs}` } as Graph;
}

describe("clock", () => {
  test("a timer longer than 2^31-1 ms does not fire at once", async () => {
    let fired = false;
    const cancel = longTimer(2 ** 31 + 60_000, () => (fired = true));
    await sleep(200);
    await cancel();
    assert.equal(fired, false);
  });

  test("a scaled limit never expires before min(limit, floor) of real time", () => {
    const clock = systemClock(600);
    assert.equal(clock.limitDelay(30 * 60_000), LIMIT_REAL_FLOOR_MS, "30m at 600x is 3 s scaled: the floor holds it to 10 s");
    assert.equal(clock.limitDelay(2_000), 2_000, "a limit below the floor is the limit itself");
    assert.equal(clock.limitDelay(24 * 3_600_000), (24 * 3_600_000) / 600, "a long limit is scaled");
    assert.equal(systemClock(1).limitDelay(300_000), 300_000, "no effect in production");
  });
});

describe("stage timeouts across a restart", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSim({ timeScale: 60 });
  });
  after(async () => {
    await sim.close();
  });

  test("downtime longer than what was left of a timeout does not fail the resumed node", { timeout: 120_000 }, async () => {
    const dir = tempDir("kanaria-timeouts-");
    // 60x, no real-time floor: the bake waits 2 s real and times out after 3 s of running.
    const open = () => simRuntime(sim, { dataDir: dir, timeScale: 60, limitFloorMs: 0 });
    const graph = withBake(compileFixture("canary", { targetGroups: targetGroupArns(sim) }), 120_000, 180_000);
    let rt: Runtime = await open();
    const id = (await rt.submit(graph)).id;
    await until("the bake to run for a second", async () => {
      const n = await rt.store.getNode(id, "bake");
      return n?.state === "RUNNING" && n.activeMs >= 60_000;
    });
    await rt.close();
    // Down for 4 s real = 240 s of deployment time: more than the bake's whole 180 s timeout.
    await sleep(4_000);
    rt = await open();
    try {
      const final = await rt.scheduler.wait(id);
      assert.equal(final.state, "SUCCEEDED", final.error ?? "");
      const bake = (await rt.store.getNode(id, "bake"))!;
      assert.equal(bake.attempts, 2, "the bake was resumed");
      assert.ok(bake.activeMs < 180_000, `the bake ran ${bake.activeMs} ms of its 180 s`);
    } finally {
      await rt.close();
    }
  });

  test("the same node still times out when it runs too long", { timeout: 120_000 }, async () => {
    const dir = tempDir("kanaria-timeouts-");
    const rt = await simRuntime(sim, { dataDir: dir, timeScale: 60, limitFloorMs: 0 });
    try {
      const graph = withBake(compileFixture("canary", { targetGroups: targetGroupArns(sim) }), 600_000, 60_000);
      const final = await rt.scheduler.wait((await rt.submit(graph)).id);
      assert.equal(final.state, "ROLLED_BACK");
      assert.match(final.error ?? "", /bake \(WAIT\) did not finish within its timeout of 1m/);
    } finally {
      await rt.close();
    }
  });

  test("a 600h WAIT waits (a timer past 2^31-1 ms would fire at once)", { timeout: 120_000 }, async () => {
    const rt = await simRuntime(sim, { dataDir: join(tempDir("kanaria-timeouts-")), timeScale: 1 });
    try {
      const hours = (h: number) => h * 3_600_000;
      const graph = withBake(compileFixture("canary", { targetGroups: targetGroupArns(sim) }), hours(600), hours(700), hours(800));
      const id = (await rt.submit(graph)).id;
      await until("the bake to start", async () => (await rt.store.getNode(id, "bake"))?.state === "RUNNING");
      await sleep(1_500);
      assert.equal((await rt.store.getNode(id, "bake"))?.state, "RUNNING");
      assert.equal((await rt.store.getDeployment(id))?.state, "RUNNING");
      await rt.scheduler.cancel(id);
      const final = await rt.scheduler.wait(id);
      assert.equal(final.state, "CANCELLED", final.error ?? "");
    } finally {
      await rt.close();
    }
  });
});
