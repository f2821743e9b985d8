// Core path: canary and blue/green pipelines against the simulator with the real SDK clients,
// a failing release rolled back, a first deployment run as a quick sync, and one deployment
// at a time per service.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { compileFixture, inspect, simRuntime, startSim, targetGroupArns, type WorldView } from "./helpers.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";
import type { Runtime } from "../../runtime/executor/runtime.ts";

function assertPromoted(world: WorldView, newTaskDefinition: RegExp): void {
  const live = world.taskSets.filter((t) => t.status !== "DRAINING");
  assert.equal(live.length, 1, `exactly one live task set, got ${JSON.stringify(live)}`);
  assert.equal(live[0].status, "PRIMARY");
  assert.match(live[0].taskDefinition, newTaskDefinition);
  assert.equal(live[0].scale, 100);
  assert.ok(!world.taskSets.some((t) => t.status === "ACTIVE"), "no ACTIVE (canary) task set");
  for (const r of world.rules) assert.deepEqual(r.weights, { "demo-primary": 100, "demo-canary": 0 }, `rule ${r.rule}`);
  assert.equal(world.rules.length, 2, "default action and the /api/* rule");
}

async function assertJournalOnce(rt: Runtime, id: string): Promise<void> {
  const journal = await rt.store.listJournal(id);
  const keys = journal.map((j) => `${j.nodeId}/${j.step}`);
  assert.equal(new Set(keys).size, keys.length, "one journal row per side effect");
  for (const j of journal) {
    assert.equal(j.status, "DONE", `${j.nodeId}/${j.step} is DONE`);
    assert.equal(j.attempts, 1, `${j.nodeId}/${j.step} issued once`);
  }
}

describe("pipelines against the simulator", () => {
  let sim: Simulator;
  let rt: Runtime;
  before(async () => {
    sim = await startSim();
    rt = await simRuntime(sim);
  });
  after(async () => {
    await rt.close();
    await sim.close();
  });

  test("canary: scale 30, canary 20, primary rollout, primary 100, clean", async () => {
    const graph = compileFixture("canary", { targetGroups: targetGroupArns(sim) });
    const d = await rt.submit(graph);
    const final = await rt.scheduler.wait(d.id);
    assert.equal(final.state, "SUCCEEDED", final.error ?? "");
    assertPromoted(await inspect(sim), /task-definition\/web:2$/);
    await assertJournalOnce(rt, d.id);
    const ops = (await rt.store.listJournal(d.id)).map((j) => `${j.nodeId}:${j.operation}`);
    assert.deepEqual(ops, [
      "_deployment:DescribeServices",
      "_deployment:RegisterTaskDefinition",
      "_deployment:TagResource",
      "canary-rollout:CreateTaskSet",
      "canary-traffic:ModifyListener",
      "canary-traffic:ModifyRule",
      "primary-rollout:DescribeServices",
      "primary-rollout:CreateTaskSet",
      "primary-rollout:UpdateServicePrimaryTaskSet",
      "primary-rollout:DeleteTaskSet",
      "primary-traffic:ModifyListener",
      "primary-traffic:ModifyRule",
      "canary-clean:DeleteTaskSet",
    ].sort((a, b) => ops.indexOf(a) - ops.indexOf(b)));
    const nodes = await rt.store.getNodes(d.id);
    assert.deepEqual(nodes.filter((n) => n.path === "main").map((n) => n.state), Array(6).fill("SUCCEEDED"));
    assert.deepEqual(nodes.filter((n) => n.path === "rollback").map((n) => n.state), ["PENDING", "PENDING", "PENDING"]);
    assert.deepEqual(nodes.find((n) => n.nodeId === "canary-traffic")?.outputs?.traffic, { primary: 80, canary: 20 });
  });

  test("blue/green: scale 100, canary 100, primary rollout, primary 100, clean", async () => {
    const graph = compileFixture("bluegreen", { targetGroups: targetGroupArns(sim) });
    const d = await rt.submit(graph);
    const final = await rt.scheduler.wait(d.id);
    assert.equal(final.state, "SUCCEEDED", final.error ?? "");
    assertPromoted(await inspect(sim), /task-definition\/web:3$/);
    await assertJournalOnce(rt, d.id);
    assert.deepEqual((await rt.store.getNode(d.id, "switch-to-green"))?.outputs?.traffic, { primary: 0, canary: 100 });
  });

  test("a release whose tasks never become healthy times out and is rolled back", async () => {
    const before = await inspect(sim);
    const primaryBefore = before.taskSets.find((t) => t.status === "PRIMARY")!;
    const graph = compileFixture("broken", { targetGroups: targetGroupArns(sim) });
    const d = await rt.submit(graph);
    const final = await rt.scheduler.wait(d.id);
    assert.equal(final.state, "ROLLED_BACK");
    assert.match(final.error ?? "", /canary-rollout .* timeout of 3m/);
    assert.equal(final.failedNode, "canary-rollout");
    const world = await inspect(sim);
    const live = world.taskSets.filter((t) => t.status !== "DRAINING");
    assert.deepEqual(live.map((t) => [t.id, t.status]), [[primaryBefore.id, "PRIMARY"]], "the previous primary is the only live task set");
    for (const r of world.rules) assert.equal(r.weights["demo-primary"], 100);
    const states = Object.fromEntries((await rt.store.getNodes(d.id)).map((n) => [n.nodeId, n.state]));
    assert.equal(states["canary-rollout"], "FAILED");
    assert.equal(states["canary-traffic"], "SKIPPED");
    assert.equal(states["rollback-traffic"], "SUCCEEDED");
    assert.equal(states["rollback-primary"], "SUCCEEDED");
    assert.equal(states["rollback-clean"], "SUCCEEDED");
  });

  test("one deployment at a time per service: the second waits in QUEUED", async () => {
    const a = await rt.submit(compileFixture("canary", { targetGroups: targetGroupArns(sim), image: "public.ecr.aws/nginx/nginx:1.27-a" }));
    const b = await rt.submit(compileFixture("canary", { targetGroups: targetGroupArns(sim), image: "public.ecr.aws/nginx/nginx:1.27-b" }));
    assert.equal((await rt.store.getDeployment(b.id))?.state, "QUEUED");
    const fa = await rt.scheduler.wait(a.id);
    const fb = await rt.scheduler.wait(b.id);
    assert.equal(fa.state, "SUCCEEDED", fa.error ?? "");
    assert.equal(fb.state, "SUCCEEDED", fb.error ?? "");
    assert.ok(fb.startedAt! >= fa.finishedAt!, "b started after a finished");
    assert.ok((await rt.store.listEvents(b.id)).some((e) => /one deployment at a time/.test(String(e.data.message))));
  });

  test("a service that does not exist yet is created and synced (first deployment)", async () => {
    const graph = compileFixture("canary", { targetGroups: targetGroupArns(sim), serviceName: "brand-new" });
    const d = await rt.submit(graph);
    const final = await rt.scheduler.wait(d.id);
    assert.equal(final.state, "SUCCEEDED", final.error ?? "");
    const nodes = await rt.store.getNodes(d.id);
    assert.equal(nodes.find((n) => n.nodeId === "first-deployment-sync")?.state, "SUCCEEDED");
    assert.match(String(nodes.find((n) => n.nodeId === "first-deployment-sync")?.outputs?.message), /first deployment/);
    assert.ok(nodes.filter((n) => n.path === "main" && n.nodeId !== "first-deployment-sync").every((n) => n.state === "SKIPPED"));
    const world = await inspect(sim, "brand-new");
    assert.deepEqual(world.taskSets.map((t) => t.status), ["PRIMARY"]);
  });
});
