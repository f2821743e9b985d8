// Fault injection seen through the real SDK clients: throttling the SDK retries through,
// exhausted retries, server errors, added latency, ambiguous failures (the call takes effect,
// then a 500 or a dropped connection); plus the control endpoints.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateClusterCommand, DescribeClustersCommand } from "@aws-sdk/client-ecs";
import { DescribeLoadBalancersCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { type Harness, needsSim, rejectsWith, startHarness } from "./helpers.ts";

describe("simulator: faults and control API", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ timeScale: 0 });
  });
  after(async () => {
    await h.close();
  });

  test("throttling twice, then the SDK's third attempt succeeds (maxAttempts 3)", needsSim, async () => {
    await h.control("faults", { faults: [{ service: "ecs", operation: "DescribeClusters", throttleRate: 1, count: 2 }] });
    const out = await h.ecs({ maxAttempts: 3 }).send(new DescribeClustersCommand({ clusters: ["default"] }));
    assert.equal(out.$metadata.attempts, 3);
    await h.control("faults", { faults: [] });
  });

  test("exhausted retries surface ThrottlingException (ECS) and Throttling (ELBv2)", needsSim, async () => {
    await h.control("faults", { faults: [{ operation: "*", throttleRate: 1 }] });
    const e = await rejectsWith(h.ecs({ maxAttempts: 2 }).send(new DescribeClustersCommand({})), "ThrottlingException", /Rate exceeded/);
    assert.equal(e.$metadata.attempts, 2);
    assert.equal(e.$metadata.httpStatusCode, 400);
    await rejectsWith(h.elb({ maxAttempts: 1 }).send(new DescribeLoadBalancersCommand({})), "Throttling");
    await h.control("faults", { faults: [] });
  });

  test("injected 5xx: ServerException / InternalFailure with HTTP 500", needsSim, async () => {
    await h.control("faults", [{ errorRate: 1 }]);
    const e = await rejectsWith(h.ecs({ maxAttempts: 1 }).send(new DescribeClustersCommand({})), "ServerException");
    assert.equal(e.$metadata.httpStatusCode, 500);
    assert.equal(e.$fault, "server");
    await rejectsWith(h.elb({ maxAttempts: 1 }).send(new DescribeLoadBalancersCommand({})), "InternalFailure");
    await h.control("faults", []);
  });

  test("added latency applies to the matching operation only", needsSim, async () => {
    await h.control("faults", [{ operation: "DescribeClusters", latencyMs: 120 }]);
    const t = performance.now();
    await h.ecs().send(new DescribeClustersCommand({}));
    assert.ok(performance.now() - t >= 110);
    // Another operation answers while a delayed one is still waiting out its latency.
    await h.control("faults", [{ operation: "DescribeClusters", latencyMs: 30_000 }]);
    const ac = new AbortController();
    let delayedDone = false;
    const delayed = h.ecs({ maxAttempts: 1 }).send(new DescribeClustersCommand({}), { abortSignal: ac.signal }).then(() => (delayedDone = true), () => {});
    await h.elb().send(new DescribeLoadBalancersCommand({}));
    assert.equal(delayedDone, false);
    ac.abort();
    await delayed;
    await h.control("faults", []);
  });

  test("apply, then 500: the call took effect although the SDK got ServerException", needsSim, async () => {
    const lost = async () => (await h.control("state")).lostAnswers["ecs:CreateCluster"] ?? 0;
    const before = await lost();
    await h.control("faults", [{ service: "ecs", operation: "CreateCluster", applyThenErrorRate: 1, count: 1 }]);
    const e = await rejectsWith(h.ecs({ maxAttempts: 1 }).send(new CreateClusterCommand({ clusterName: "ambiguous-500" })), "ServerException");
    assert.equal(e.$metadata.httpStatusCode, 500);
    const out = await h.ecs().send(new DescribeClustersCommand({ clusters: ["ambiguous-500"] }));
    assert.deepEqual(out.clusters?.map((c) => [c.clusterName, c.status]), [["ambiguous-500", "ACTIVE"]]);
    assert.equal(await lost(), before + 1);
    // count: 1 — the next call answers normally.
    await h.ecs({ maxAttempts: 1 }).send(new CreateClusterCommand({ clusterName: "ambiguous-next" }));
    await h.control("faults", []);
  });

  test("apply, then drop the connection: the SDK sees a network error, the effect is there", needsSim, async () => {
    const lost = async () => (await h.control("state")).lostAnswers["ecs:CreateCluster"] ?? 0;
    const before = await lost();
    await h.control("faults", { faults: [{ operation: "CreateCluster", applyThenDropRate: 1, count: 1 }] });
    await assert.rejects(h.ecs({ maxAttempts: 1 }).send(new CreateClusterCommand({ clusterName: "ambiguous-drop" })), (e: any) => {
      // A reset mid-answer, not an AWS error answer: no error code from the service.
      assert.equal(e.$fault, undefined, `not a service answer: ${e.name} ${e.message}`);
      return true;
    });
    const out = await h.ecs().send(new DescribeClustersCommand({ clusters: ["ambiguous-drop"] }));
    assert.deepEqual(out.clusters?.map((c) => c.clusterName), ["ambiguous-drop"]);
    assert.equal(await lost(), before + 1);
    await h.control("faults", []);
  });

  test("apply, then hold the answer back: a client that gives up first still left the effect", needsSim, async () => {
    const lost = async () => (await h.control("state")).lostAnswers["ecs:CreateCluster"] ?? 0;
    const before = await lost();
    await h.control("faults", [{ operation: "CreateCluster", applyThenDropRate: 1, lostAnswerDelayMs: 30_000, count: 1 }]);
    const ac = new AbortController();
    const call = h.ecs({ maxAttempts: 1 }).send(new CreateClusterCommand({ clusterName: "ambiguous-late" }), { abortSignal: ac.signal });
    // Wait (in real time, generously) until the simulator has applied the call, then give up on it.
    for (let i = 0; i < 600 && (await lost()) === before; i++) await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await assert.rejects(call);
    const out = await h.ecs().send(new DescribeClustersCommand({ clusters: ["ambiguous-late"] }));
    assert.deepEqual(out.clusters?.map((c) => c.clusterName), ["ambiguous-late"]);
    await h.control("faults", []);
  });

  test("fault rules are validated", needsSim, async () => {
    const res = await fetch(`${h.awsUrl}/_sim/faults`, { method: "POST", body: JSON.stringify([{ throttleRate: 2 }]) });
    assert.equal(res.status, 400);
    await res.body?.cancel();
    for (const bad of [{ applyThenDropRate: -0.5 }, { applyThenErrorRate: "1" }, { lostAnswerDelayMs: -1 }, { applyThenTimeout: 1 }]) {
      const r = await fetch(`${h.awsUrl}/_sim/faults`, { method: "POST", body: JSON.stringify([bad]) });
      assert.equal(r.status, 400, JSON.stringify(bad));
      await r.body?.cancel();
    }
  });

  test("/_sim/clock reports and advances simulated time; /_sim/state dumps", needsSim, async () => {
    const c1 = await h.control("clock");
    assert.equal(typeof c1.now, "number");
    const c2 = await h.control("clock", { advanceMs: 90_000 });
    assert.equal(c2.now - c1.now, 90_000);
    const state = await h.control("state");
    assert.ok(Array.isArray(state.services));
    assert.ok(state.calls["ecs:DescribeClusters"] >= 1);
  });
});
