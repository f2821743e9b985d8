// What PipeCD does with an ECS app, Kanaria does too, read back from the simulator through the
// real AWS SDK: a changed servicedef reaches the existing service (UpdateService, then its tags;
// desiredCount kept when the file gives none), `clusterArn:` names the cluster, quick sync with
// `recreate` scales the old version to zero first, `runStandaloneTask: false` only registers the
// task definition, and `planner.alwaysUsePipeline` runs the pipeline on a first deployment.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTasksCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { compileFixture, CREDENTIALS, simRuntime, startSim, targetGroupArns } from "./helpers.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";
import type { Runtime } from "../../runtime/executor/runtime.ts";

describe("PipeCD parity on the simulator", () => {
  let sim: Simulator;
  let rt: Runtime;
  let ecs: ECSClient;
  before(async () => {
    sim = await startSim();
    rt = await simRuntime(sim);
    ecs = new ECSClient({ region: "us-east-1", endpoint: sim.url, credentials: CREDENTIALS });
  });
  after(async () => {
    ecs.destroy();
    await rt.close();
    await sim.close();
  });

  const service = async (name = "web") =>
    (await ecs.send(new DescribeServicesCommand({ cluster: "demo", services: [name], include: ["TAGS"] }))).services![0];
  const tagsOf = (svc: { tags?: Array<{ key?: string; value?: string }> }) => Object.fromEntries((svc.tags ?? []).map((t) => [t.key, t.value]));
  const ops = async (id: string) => (await rt.store.listJournal(id)).map((j) => `${j.nodeId}:${j.step}:${j.operation}`);

  async function deploy(graph: ReturnType<typeof compileFixture>) {
    const d = await rt.submit(graph);
    const final = await rt.scheduler.wait(d.id);
    assert.equal(final.state, "SUCCEEDED", final.error ?? "");
    return d.id;
  }

  test("a changed servicedef is applied to the existing service: desiredCount, tags, propagateTags, enableExecuteCommand", async () => {
    const before = await service();
    assert.equal(before.desiredCount, 4);
    assert.equal(before.enableExecuteCommand, false);
    const graph = compileFixture("canary", {
      targetGroups: targetGroupArns(sim),
      nameSuffix: "-servicedef",
      editServiceDef: (t) =>
        t.replace("desiredCount: 4", "desiredCount: 6") + "propagateTags: SERVICE\nenableExecuteCommand: true\ntags:\n  - key: team\n    value: payments\n",
    });
    const id = await deploy(graph);
    const after = await service();
    assert.equal(after.desiredCount, 6);
    assert.equal(after.propagateTags, "SERVICE");
    assert.equal(after.enableExecuteCommand, true);
    assert.equal(tagsOf(after).team, "payments");
    assert.equal(tagsOf(after)["kanaria:managed-by"], "kanaria");
    // Applied once per deployment, before the first task set, each step journaled once.
    const steps = await ops(id);
    for (const s of ["_deployment:update-service:UpdateService", "_deployment:tag-service:TagResource"]) {
      assert.equal(steps.filter((x) => x === s).length, 1, `${s} once in ${steps.join(", ")}`);
    }
    assert.ok(!steps.some((x) => x.includes("UntagResource")), "no tag to remove");
    assert.ok(steps.indexOf("_deployment:update-service:UpdateService") < steps.indexOf("canary-rollout:create-task-set:CreateTaskSet"));
    const primary = after.taskSets!.find((t) => t.status === "PRIMARY")!;
    assert.equal(primary.computedDesiredCount, 6, "the new primary runs the servicedef's count");
  });

  test("no desiredCount in the servicedef keeps the service's current one (auto scaling); tags dropped from the file are removed", async () => {
    // Auto scaling moved the service to 7, and someone tagged it by hand.
    const arn = (await service()).serviceArn!;
    await ecs.send(new UpdateServiceCommand({ cluster: "demo", service: "web", desiredCount: 7 }));
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: "stale", value: "yes" }] }));
    const graph = compileFixture("canary", {
      targetGroups: targetGroupArns(sim),
      nameSuffix: "-autoscaled",
      editServiceDef: (t) => t.replace("desiredCount: 4\n", "") + "tags:\n  - key: team\n    value: checkout\n",
    });
    const id = await deploy(graph);
    assert.ok((await ops(id)).includes("_deployment:untag-service:UntagResource"), (await ops(id)).join(", "));
    const after = await service();
    assert.equal(after.desiredCount, 7);
    const tags = tagsOf(after);
    assert.equal(tags.team, "checkout");
    assert.equal(tags.stale, undefined, "a tag the servicedef does not have is removed, as PipeCD does");
    assert.equal(tags["kanaria:managed-by"], "kanaria", "Kanaria's own tag stays");
  });

  test("a servicedef the service already matches sends no UpdateService and no tag calls", async () => {
    const same = (suffix: string) =>
      compileFixture("canary", {
        targetGroups: targetGroupArns(sim),
        nameSuffix: suffix,
        editServiceDef: (t) => t.replace("desiredCount: 4", "desiredCount: 5") + "tags:\n  - key: team\n    value: search\n",
      });
    const first = await deploy(same("-match-a"));
    assert.ok((await ops(first)).includes("_deployment:update-service:UpdateService"), (await ops(first)).join(", "));
    const second = await deploy(same("-match-b"));
    assert.deepEqual((await ops(second)).filter((x) => /:(UpdateService|TagResource|UntagResource)$/.test(x)), []);
    const after = await service();
    assert.equal(after.desiredCount, 5);
    assert.equal(tagsOf(after).team, "search");
  });

  test("`clusterArn:` in the servicedef names the cluster, like `cluster:` (the world has no default cluster)", async () => {
    const graph = compileFixture("canary", {
      targetGroups: targetGroupArns(sim),
      nameSuffix: "-clusterarn",
      editServiceDef: (t) => t.replace(/^cluster:/m, "clusterArn:"),
    });
    assert.equal(graph.target.cluster, "arn:aws:ecs:us-east-1:123456789012:cluster/demo");
    assert.equal((graph.target.service as Record<string, unknown>).clusterArn, undefined, "sent to CreateService as cluster");
    await deploy(graph);
    assert.match((await service()).taskSets!.find((t) => t.status === "PRIMARY")!.taskDefinition!, /task-definition\/web:\d+$/);
  });

  test("quick sync with recreate: the service goes to 0 tasks before the new task set, then back to its count", async () => {
    const graph = compileFixture("canary", {
      targetGroups: targetGroupArns(sim),
      nameSuffix: "-recreate",
      editApp: (t) => t.replace(/  pipeline:[\s\S]*$/, "  quickSync:\n    recreate: true\n"),
    });
    assert.equal(graph.strategy, "quickSync");
    const id = await deploy(graph);
    const steps = (await ops(id)).filter((s) => s.startsWith("sync:"));
    const at = (s: string) => steps.indexOf(s);
    assert.ok(at("sync:recreate-scale-down:UpdateService") >= 0, steps.join(", "));
    assert.ok(at("sync:recreate-scale-down:UpdateService") < at("sync:create-task-set:CreateTaskSet"), steps.join(", "));
    assert.ok(at("sync:create-task-set:CreateTaskSet") < at("sync:recreate-scale-up:UpdateService"), steps.join(", "));
    const down = (await rt.store.listJournal(id)).find((j) => j.step === "recreate-scale-down")!;
    assert.deepEqual(down.intent, { desiredCount: 0 });
    const up = (await rt.store.listJournal(id)).find((j) => j.step === "recreate-scale-up")!;
    assert.deepEqual(up.intent, { desiredCount: 4 });
    assert.ok((await rt.store.listEvents(id)).some((e) => /recreate: 0 task\(s\) of the old version still running/.test(String(e.data.message))));
    const after = await service();
    assert.equal(after.desiredCount, 4);
    const live = after.taskSets!.filter((t) => t.status !== "DRAINING");
    assert.equal(live.length, 1);
    assert.equal(live[0].status, "PRIMARY");
    assert.equal(live[0].runningCount, 4);
  });

  test("runStandaloneTask: false registers the task definition and runs no task", async () => {
    const graph = compileFixture("standalone-ec2-bridge", {
      editApp: (t) => t.replace(/clusterArn: .*/, "clusterArn: arn:aws:ecs:us-east-1:123456789012:cluster/demo\n    runStandaloneTask: false"),
    });
    assert.equal(graph.strategy, "standalone");
    const id = await deploy(graph);
    const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "batch-bridge" }));
    assert.equal(td.taskDefinition?.networkMode, "bridge");
    const tasks = await ecs.send(new ListTasksCommand({ cluster: "demo", family: "batch-bridge" }));
    assert.deepEqual(tasks.taskArns, []);
    assert.ok(!(await ops(id)).some((s) => s.endsWith(":RunTask")), (await ops(id)).join(", "));
  });

  test("planner.alwaysUsePipeline: a first deployment runs the pipeline, not a quick sync", async () => {
    const graph = compileFixture("canary", {
      targetGroups: targetGroupArns(sim),
      serviceName: "always-pipeline",
      editApp: (t) => t.replace("  pipeline:\n", "  planner:\n    alwaysUsePipeline: true\n  pipeline:\n"),
    });
    assert.equal(graph.target.alwaysUsePipeline, true);
    const id = await deploy(graph);
    const nodes = await rt.store.getNodes(id);
    assert.equal(nodes.find((n) => n.nodeId === "first-deployment-sync"), undefined);
    assert.deepEqual(nodes.filter((n) => n.path === "main").map((n) => n.state), Array(6).fill("SUCCEEDED"));
    assert.ok((await ops(id)).includes("_deployment:create-service:CreateService"), "the canary rollout created the service");
    const svc = await service("always-pipeline");
    assert.deepEqual(svc.taskSets!.filter((t) => t.status !== "DRAINING").map((t) => t.status), ["PRIMARY"]);
  });
});
