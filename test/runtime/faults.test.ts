// Fault tolerance: 20% throttling and 5% server errors on every ECS and ELBv2 operation, 50
// services deployed concurrently: every deployment ends promoted, with no duplicate task sets.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { inspect, simRuntime, startSim } from "./helpers.ts";
import { fleetGraphs, fleetScenario, serviceName } from "./fleet.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";
import type { Runtime } from "../../runtime/executor/runtime.ts";

const N = 50;

describe("50 concurrent deployments under throttling and 5xx", () => {
  let sim: Simulator;
  let rt: Runtime;
  before(async () => {
    sim = await startSim({ scenario: fleetScenario(N), timeScale: 60, deregistrationDelayMs: 3_600_000_000 });
    // What this file checks is fault handling, not timing: a generous real-time floor keeps a
    // stage timeout (5m at 60x) from expiring on a machine busy with 50 deployments and more.
    rt = await simRuntime(sim, { pollIntervalMs: 200, limitFloorMs: 120_000 });
  });
  after(async () => {
    await rt.close();
    await sim.close();
  });

  test("all succeed", { timeout: 180_000 }, async () => {
    const graphs = fleetGraphs(sim, N);
    sim.setFaults([{ service: "ecs", throttleRate: 0.2, errorRate: 0.05 }, { service: "elbv2", throttleRate: 0.2, errorRate: 0.05 }]);
    const ids: string[] = [];
    for (const g of graphs) ids.push((await rt.submit(g)).id);
    const finals = await Promise.all(ids.map((id) => rt.scheduler.wait(id)));
    sim.setFaults([]);
    const failed = finals.filter((d) => d.state !== "SUCCEEDED");
    assert.deepEqual(failed.map((d) => `${d.serviceKey}: ${d.state} ${d.error}`), []);
    assert.ok(rt.metrics.awsThrottles.total() > 0, "throttling was injected");
    assert.ok(rt.metrics.awsErrors.total() > 0, "5xx were injected");
    for (let i = 0; i < N; i++) {
      const world = await inspect(sim, serviceName(i), "demo", `lb-${i}`);
      assert.equal(world.taskSets.length, 3, `${serviceName(i)}: no duplicate task sets: ${JSON.stringify(world.taskSets)}`);
      const live = world.taskSets.filter((t) => t.status !== "DRAINING");
      assert.deepEqual(live.map((t) => [t.status, t.scale]), [["PRIMARY", 100]], serviceName(i));
      assert.deepEqual(world.rules.map((r) => r.weights), [{ [`p-${i}`]: 100, [`c-${i}`]: 0 }], serviceName(i));
    }
    for (const id of ids) {
      const keys = (await rt.store.listJournal(id)).map((j) => `${j.nodeId}/${j.step}`);
      assert.equal(new Set(keys).size, keys.length);
    }
  });
});
