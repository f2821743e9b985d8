// Drift detection against the simulator with the real SDK clients: an app Kanaria deployed is
// SYNCED; changes made behind Kanaria's back (desiredCount, tags, a new task definition revision
// made primary) are OUT_OF_SYNC with the exact field diff; a missing service is UNKNOWN with why;
// and the live state is read in batches (counted by the simulator).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateServiceCommand,
  CreateTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  UpdateServicePrimaryTaskSetCommand,
} from "@aws-sdk/client-ecs";
import { CREDENTIALS, compileFixture, simRuntime, startSim, targetGroupArns } from "../runtime/helpers.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";
import type { Runtime } from "../../runtime/runtime.ts";
import type { Graph } from "../../runtime/executor/graph.ts";
import { detectDrift, driftClients, withDeploying, type DriftApp } from "../../runtime/gitops/drift/detect.ts";

const TAGGED = (text: string) => `${text}tags:\n  - { key: team, value: payments }\n  - { key: tier, value: web }\n`;

describe("drift detection against the simulator", () => {
  let sim: Simulator;
  let rt: Runtime;
  let ecs: ECSClient;
  let graph: Graph;
  let serviceArn: string;
  const calls = () => ({ ...sim.state.calls });
  const delta = (before: Record<string, number>, op: string) => (sim.state.calls[`ecs:${op}`] ?? 0) - (before[`ecs:${op}`] ?? 0);
  const detect = (apps: DriftApp[]) => detectDrift(apps, driftClients(rt.aws, rt.providers));

  before(async () => {
    sim = await startSim();
    rt = await simRuntime(sim);
    ecs = new ECSClient({ region: "us-east-1", endpoint: sim.url, credentials: CREDENTIALS });
    graph = compileFixture("canary", { targetGroups: targetGroupArns(sim), editServiceDef: TAGGED });
    const d = await rt.submit(graph);
    const final = await rt.scheduler.wait(d.id);
    assert.equal(final.state, "SUCCEEDED", final.error ?? "");
    serviceArn = String((await ecs.send(new DescribeServicesCommand({ cluster: "demo", services: ["web"] }))).services?.[0]?.serviceArn);
  });
  after(async () => {
    ecs.destroy();
    await rt.close();
    await sim.close();
  });

  test("what Kanaria deployed is SYNCED, read with one DescribeServices and one DescribeTaskDefinition", async () => {
    const was = calls();
    const r = await detect([{ key: "web", graph }]);
    assert.deepEqual(r.get("web"), { state: "SYNCED", diff: [] });
    assert.equal(delta(was, "DescribeServices"), 1);
    assert.equal(delta(was, "DescribeTaskDefinition"), 1);
    assert.equal(delta(was, "DescribeTaskSets"), 0, "the primary task set comes with DescribeServices");
  });

  test("desiredCount changed behind Kanaria's back: OUT_OF_SYNC with that one field", async () => {
    await ecs.send(new UpdateServiceCommand({ cluster: "demo", service: "web", desiredCount: 7 }));
    try {
      const r = (await detect([{ key: "web", graph }])).get("web")!;
      assert.equal(r.state, "OUT_OF_SYNC");
      assert.deepEqual(r.diff, [{ path: "service.desiredCount", git: 4, live: 7 }]);
    } finally {
      await ecs.send(new UpdateServiceCommand({ cluster: "demo", service: "web", desiredCount: 4 }));
    }
    assert.equal((await detect([{ key: "web", graph }])).get("web")?.state, "SYNCED");
  });

  test("desiredCount is not compared when the servicedef leaves it to auto scaling", async () => {
    const scaled = compileFixture("canary", { targetGroups: targetGroupArns(sim), editServiceDef: (t) => TAGGED(t.replace(/desiredCount: 4\n/, "")) });
    await ecs.send(new UpdateServiceCommand({ cluster: "demo", service: "web", desiredCount: 9 }));
    try {
      assert.deepEqual((await detect([{ key: "web", graph: scaled }])).get("web"), { state: "SYNCED", diff: [] });
    } finally {
      await ecs.send(new UpdateServiceCommand({ cluster: "demo", service: "web", desiredCount: 4 }));
    }
  });

  test("tags changed, added and removed: one entry each; Kanaria's own tags are not drift", async () => {
    await ecs.send(new TagResourceCommand({ resourceArn: serviceArn, tags: [{ key: "team", value: "search" }, { key: "owner", value: "bob" }, { key: "kanaria:other", value: "x" }] }));
    await ecs.send(new UntagResourceCommand({ resourceArn: serviceArn, tagKeys: ["tier"] }));
    try {
      const r = (await detect([{ key: "web", graph }])).get("web")!;
      assert.equal(r.state, "OUT_OF_SYNC");
      assert.deepEqual(r.diff, [
        { path: "service.tags[team]", git: "payments", live: "search" },
        { path: "service.tags[tier]", git: "web", live: null },
        { path: "service.tags[owner]", git: null, live: "bob" },
      ]);
    } finally {
      await ecs.send(new UntagResourceCommand({ resourceArn: serviceArn, tagKeys: ["owner", "kanaria:other"] }));
      await ecs.send(new TagResourceCommand({ resourceArn: serviceArn, tags: [{ key: "team", value: "payments" }, { key: "tier", value: "web" }] }));
    }
    assert.equal((await detect([{ key: "web", graph }])).get("web")?.state, "SYNCED");
  });

  test("a new task definition revision with another image made primary by hand: the image and env differ, nothing else", async () => {
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: "demo", services: ["web"] }))).services![0];
    const primary = svc.taskSets!.find((t) => t.status === "PRIMARY")!;
    const live = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: primary.taskDefinition }))).taskDefinition!;
    const containers = live.containerDefinitions!.map((c) => ({ ...c, image: "public.ecr.aws/nginx/nginx:1.28", environment: [{ name: "MODE", value: "hotfix" }] }));
    const { taskDefinitionArn, revision, status, registeredAt, registeredBy, compatibilities, requiresAttributes, ...body } = live as any;
    const td = (await ecs.send(new RegisterTaskDefinitionCommand({ ...body, containerDefinitions: containers }))).taskDefinition!;
    const set = (
      await ecs.send(
        new CreateTaskSetCommand({
          cluster: "demo",
          service: "web",
          taskDefinition: td.taskDefinitionArn,
          launchType: primary.launchType,
          networkConfiguration: primary.networkConfiguration,
          loadBalancers: primary.loadBalancers,
          scale: { value: 100, unit: "PERCENT" },
        }),
      )
    ).taskSet!;
    await ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: "demo", service: "web", primaryTaskSet: set.taskSetArn }));
    const was = calls();
    const r = (await detect([{ key: "web", graph }])).get("web")!;
    assert.equal(r.state, "OUT_OF_SYNC");
    assert.deepEqual(r.diff, [
      { path: "taskDefinition.containerDefinitions[web].image", git: "public.ecr.aws/nginx/nginx:1.27", live: "public.ecr.aws/nginx/nginx:1.28" },
      { path: "taskDefinition.containerDefinitions[web].environment[MODE]", git: null, live: "hotfix" },
    ]);
    assert.equal(delta(was, "DescribeTaskDefinition"), 1, "only the primary's task definition");
    // While a deployment of the service runs, the caller reports DEPLOYING instead.
    const deploying = withDeploying(new Map([["web", r]]), (key) => key === "web");
    assert.equal(deploying.get("web")?.state, "DEPLOYING");
    // Kanaria deploys Git's version again: SYNCED.
    const redeploy = await rt.submit({ ...graph, app: { ...graph.app, description: "redeploy" } } as Graph);
    assert.equal((await rt.scheduler.wait(redeploy.id)).state, "SUCCEEDED");
    assert.deepEqual((await detect([{ key: "web", graph }])).get("web"), { state: "SYNCED", diff: [] });
  });

  test("a service ECS does not have: UNKNOWN, naming the service and cluster", async () => {
    const ghost = compileFixture("canary", { targetGroups: targetGroupArns(sim), serviceName: "ghost" });
    const r = (await detect([{ key: "ghost", graph: ghost }])).get("ghost")!;
    assert.equal(r.state, "UNKNOWN");
    assert.match(r.reason ?? "", /no service "ghost" in cluster "demo" \(MISSING\)/);
    assert.deepEqual(r.diff, []);
  });

  test("an app naming a platform provider the runtime does not have: UNKNOWN with the config error", async () => {
    const other = { ...graph, app: { ...graph.app, platformProvider: "elsewhere" } } as Graph;
    const r = (await detect([{ key: "other", graph: other }])).get("other")!;
    assert.equal(r.state, "UNKNOWN");
    assert.match(r.reason ?? "", /platform provider "elsewhere"/);
  });

  test("25 services: 3 DescribeServices (10 per call), 1 DescribeTaskDefinition for the one definition they share", async () => {
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: "demo", services: ["web"], include: ["TAGS"] }))).services![0];
    const primary = svc.taskSets!.find((t) => t.status === "PRIMARY")!;
    const apps: DriftApp[] = [{ key: "web", graph }];
    for (let i = 1; i < 25; i++) {
      const name = `web-${i}`;
      await ecs.send(
        new CreateServiceCommand({
          cluster: "demo",
          serviceName: name,
          desiredCount: 4,
          schedulingStrategy: "REPLICA",
          deploymentController: { type: "EXTERNAL" },
          launchType: "FARGATE",
          networkConfiguration: primary.networkConfiguration,
          tags: svc.tags,
        }),
      );
      const set = (
        await ecs.send(
          new CreateTaskSetCommand({
            cluster: "demo",
            service: name,
            taskDefinition: primary.taskDefinition,
            launchType: "FARGATE",
            networkConfiguration: primary.networkConfiguration,
            loadBalancers: primary.loadBalancers,
            scale: { value: 100, unit: "PERCENT" },
          }),
        )
      ).taskSet!;
      await ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: "demo", service: name, primaryTaskSet: set.taskSetArn }));
      apps.push({ key: name, graph: compileFixture("canary", { targetGroups: targetGroupArns(sim), editServiceDef: TAGGED, serviceName: name }) });
    }
    const was = calls();
    const r = await detect(apps);
    assert.deepEqual(
      [...r].filter(([, x]) => x.state !== "SYNCED").map(([k, x]) => `${k}: ${x.state} ${x.reason ?? JSON.stringify(x.diff)}`),
      [],
    );
    assert.equal(r.size, 25);
    assert.equal(delta(was, "DescribeServices"), 3);
    assert.equal(delta(was, "DescribeTaskDefinition"), 1);
    assert.equal(delta(was, "DescribeTaskSets"), 0);
  });
});
