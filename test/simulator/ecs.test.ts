// ECS through the real @aws-sdk/client-ecs: every operation, the task-set lifecycle and the
// AWS validation errors the runtime depends on.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateClusterCommand, CreateServiceCommand, CreateTaskSetCommand, DeleteServiceCommand, DeleteTaskSetCommand,
  DeregisterTaskDefinitionCommand, DescribeClustersCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand,
  DescribeTasksCommand, DescribeTaskSetsCommand, ListTagsForResourceCommand, ListTaskDefinitionsCommand, ListTasksCommand,
  RegisterTaskDefinitionCommand, RunTaskCommand, TagResourceCommand, UntagResourceCommand, UpdateServiceCommand,
  UpdateServicePrimaryTaskSetCommand, UpdateTaskSetCommand,
} from "@aws-sdk/client-ecs";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { buildWorld, eventually, type Harness, rejectsWith, startHarness, unique, type World } from "./helpers.ts";

describe("simulator: ECS", () => {
  let h: Harness;
  let w: World;
  before(async () => {
    // 600x: a 30 s task start + 10 s health check takes ~70 ms of real time
    // DRAINING lasts 50 simulated minutes = 5 s real: the checks made while a task set or a
    // service drains have seconds to run on a loaded machine, and the drain still ends.
    h = await startHarness({ timeScale: 600, deregistrationDelayMs: 3_000_000 });
    w = await buildWorld(h);
  });
  after(async () => {
    await h.close();
  });

  test("CreateCluster / DescribeClusters, with tags and a MISSING failure", async () => {
    const ecs = h.ecs();
    const name = unique("cl");
    const created = await ecs.send(new CreateClusterCommand({ clusterName: name, tags: [{ key: "team", value: "canary" }] }));
    assert.equal(created.cluster?.clusterArn, `arn:aws:ecs:us-east-1:123456789012:cluster/${name}`);
    assert.equal(created.cluster?.status, "ACTIVE");
    const out = await ecs.send(new DescribeClustersCommand({ clusters: [name, "no-such-cluster"], include: ["TAGS"] }));
    assert.equal(out.clusters?.[0].clusterName, name);
    assert.deepEqual(out.clusters?.[0].tags, [{ key: "team", value: "canary" }]);
    assert.equal(out.failures?.[0].reason, "MISSING");
  });

  test("task definitions: register, describe by family / family:rev / ARN, list, deregister", async () => {
    const ecs = h.ecs();
    const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: w.family }));
    assert.equal(latest.taskDefinition?.revision, 2);
    const first = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: `${w.family}:1` }));
    assert.equal(first.taskDefinition?.taskDefinitionArn, w.td1);
    assert.equal(first.taskDefinition?.containerDefinitions?.[0].image, "nginx:1.25");
    assert.ok(first.taskDefinition?.registeredAt instanceof Date);
    const byArn = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: w.td2 }));
    assert.equal(byArn.taskDefinition?.revision, 2);
    const listed = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: w.family, sort: "DESC" }));
    assert.deepEqual(listed.taskDefinitionArns, [w.td2, w.td1]);

    const scratch = unique("scratch");
    const reg = await ecs.send(new RegisterTaskDefinitionCommand({ family: scratch, containerDefinitions: [{ name: "a", image: "busybox" }] }));
    const dereg = await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: reg.taskDefinition!.taskDefinitionArn }));
    assert.equal(dereg.taskDefinition?.status, "INACTIVE");
    const inactive = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: scratch, status: "INACTIVE" }));
    assert.equal(inactive.taskDefinitionArns?.length, 1);
    await rejectsWith(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "does-not-exist:9" })), "ClientException");
    await rejectsWith(
      ecs.send(new RegisterTaskDefinitionCommand({
        family: scratch, requiresCompatibilities: ["FARGATE"], networkMode: "bridge", cpu: "256", memory: "512",
        containerDefinitions: [{ name: "a", image: "busybox" }],
      })),
      "ClientException",
      /awsvpc/,
    );
  });

  test("CreateService: clientToken idempotency, launchType vs capacityProviderStrategy, MISSING services", async () => {
    const ecs = h.ecs();
    const name = unique("idem");
    const input = { cluster: w.cluster, serviceName: name, desiredCount: 2, deploymentController: { type: "EXTERNAL" as const }, clientToken: "tok-1" };
    const a = await ecs.send(new CreateServiceCommand(input));
    const b = await ecs.send(new CreateServiceCommand(input));
    assert.equal(a.service?.serviceArn, b.service?.serviceArn);
    await rejectsWith(ecs.send(new CreateServiceCommand({ ...input, desiredCount: 3 })), "InvalidParameterException", /idempotent/);
    await rejectsWith(
      ecs.send(new CreateServiceCommand({
        cluster: w.cluster, serviceName: unique("both"), desiredCount: 1, deploymentController: { type: "EXTERNAL" },
        launchType: "FARGATE", capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
      })),
      "InvalidParameterException",
      /launch type and capacity provider strategy/,
    );
    const out = await ecs.send(new DescribeServicesCommand({ cluster: w.cluster, services: [name, "ghost"] }));
    assert.equal(out.services?.[0].deploymentController?.type, "EXTERNAL");
    assert.equal(out.failures?.[0].reason, "MISSING");
    await rejectsWith(ecs.send(new DescribeServicesCommand({ cluster: "no-such-cluster", services: [name] })), "ClusterNotFoundException");
  });

  test("UpdateService on an EXTERNAL service: desiredCount yes, taskDefinition no", async () => {
    const ecs = h.ecs();
    const name = unique("ext");
    await ecs.send(new CreateServiceCommand({ cluster: w.cluster, serviceName: name, desiredCount: 1, deploymentController: { type: "EXTERNAL" } }));
    const up = await ecs.send(new UpdateServiceCommand({ cluster: w.cluster, service: name, desiredCount: 3, healthCheckGracePeriodSeconds: 30 }));
    assert.equal(up.service?.desiredCount, 3);
    await rejectsWith(ecs.send(new UpdateServiceCommand({ cluster: w.cluster, service: name, taskDefinition: w.td2 })), "InvalidParameterException", /taskDefinition/);
    await rejectsWith(ecs.send(new UpdateServiceCommand({ cluster: w.cluster, service: "ghost", desiredCount: 1 })), "ServiceNotFoundException");
  });

  test("CreateTaskSet: only on EXTERNAL services; awsvpc needs a networkConfiguration", async () => {
    const ecs = h.ecs();
    const rolling = unique("rolling");
    await ecs.send(new CreateServiceCommand({
      cluster: w.cluster, serviceName: rolling, desiredCount: 1, taskDefinition: w.td1, launchType: "FARGATE", networkConfiguration: w.network,
    }));
    await rejectsWith(
      ecs.send(new CreateTaskSetCommand({ cluster: w.cluster, service: rolling, taskDefinition: w.td1, networkConfiguration: w.network })),
      "InvalidParameterException",
      /external deployment controller/,
    );
    await rejectsWith(
      ecs.send(new CreateTaskSetCommand({ cluster: w.cluster, service: w.service, taskDefinition: w.td1, launchType: "FARGATE" })),
      "InvalidParameterException",
      /Network Configuration/,
    );
    // the ECS controller's own deployment shows up in deployments
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: w.cluster, services: [rolling] }))).services![0];
    assert.equal(svc.deployments?.[0].status, "PRIMARY");
    assert.equal(svc.deployments?.[0].taskDefinition, w.td1);
  });

  test("task set lifecycle: scale 30 -> STABILIZING -> STEADY_STATE, scale up, primary switch, delete -> DRAINING -> gone", { timeout: 120_000 }, async () => {
    const ecs = h.ecs();
    const elb = h.elb();
    const base = { cluster: w.cluster, service: w.service };
    const describe = async (arn: string) => (await ecs.send(new DescribeTaskSetsCommand({ ...base, taskSets: [arn] }))).taskSets?.[0];

    const created = (await ecs.send(new CreateTaskSetCommand({
      ...base, taskDefinition: w.td1, launchType: "FARGATE", networkConfiguration: w.network, externalId: "deploy-1",
      loadBalancers: [{ targetGroupArn: w.primaryTg, containerName: "web", containerPort: 80 }],
      scale: { value: 30, unit: "PERCENT" }, clientToken: "ts-token-1", tags: [{ key: "kanaria/deployment", value: "d1" }],
    }))).taskSet!;
    assert.equal(created.computedDesiredCount, 2); // ceil(4 * 30%)
    assert.equal(created.stabilityStatus, "STABILIZING");
    assert.equal(created.status, "ACTIVE");
    assert.equal(created.externalId, "deploy-1");
    assert.equal(created.pendingCount, 2);
    assert.match(created.taskSetArn!, /^arn:aws:ecs:us-east-1:123456789012:task-set\/.+\/ecs-svc\/\d+$/);

    const again = (await ecs.send(new CreateTaskSetCommand({
      ...base, taskDefinition: w.td1, launchType: "FARGATE", networkConfiguration: w.network, externalId: "deploy-1",
      loadBalancers: [{ targetGroupArn: w.primaryTg, containerName: "web", containerPort: 80 }],
      scale: { value: 30, unit: "PERCENT" }, clientToken: "ts-token-1", tags: [{ key: "kanaria/deployment", value: "d1" }],
    }))).taskSet!;
    assert.equal(again.taskSetArn, created.taskSetArn, "same clientToken and parameters return the same task set");

    const steady = await eventually("STEADY_STATE", async () => {
      const t = await describe(created.taskSetArn!);
      return t?.stabilityStatus === "STEADY_STATE" ? t : undefined;
    });
    assert.equal(steady.runningCount, 2);
    assert.equal(steady.pendingCount, 0);
    const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: w.primaryTg }));
    assert.equal(health.TargetHealthDescriptions?.filter((d) => d.TargetHealth?.State === "healthy").length, 2);

    const scaled = (await ecs.send(new UpdateTaskSetCommand({ ...base, taskSet: created.id!, scale: { value: 100, unit: "PERCENT" } }))).taskSet!;
    assert.equal(scaled.computedDesiredCount, 4);
    assert.equal(scaled.stabilityStatus, "STABILIZING");
    await eventually("scaled STEADY_STATE", async () => {
      const t = await describe(created.taskSetArn!);
      return t?.stabilityStatus === "STEADY_STATE" && t.runningCount === 4 ? t : undefined;
    });

    const primary = (await ecs.send(new UpdateServicePrimaryTaskSetCommand({ ...base, primaryTaskSet: created.taskSetArn }))).taskSet!;
    assert.equal(primary.status, "PRIMARY");

    const canary = (await ecs.send(new CreateTaskSetCommand({
      ...base, taskDefinition: w.td2, launchType: "FARGATE", networkConfiguration: w.network,
      loadBalancers: [{ targetGroupArn: w.canaryTg, containerName: "web", containerPort: 80 }], scale: { value: 50, unit: "PERCENT" },
    }))).taskSet!;
    let svc = (await ecs.send(new DescribeServicesCommand({ cluster: w.cluster, services: [w.service], include: ["TAGS"] }))).services![0];
    assert.equal(svc.taskDefinition, w.td1, "the service mirrors its PRIMARY task set");
    assert.equal(svc.taskSets?.length, 2);

    await ecs.send(new UpdateServicePrimaryTaskSetCommand({ ...base, primaryTaskSet: canary.id }));
    svc = (await ecs.send(new DescribeServicesCommand({ cluster: w.cluster, services: [w.service] }))).services![0];
    assert.equal(svc.taskDefinition, w.td2);
    assert.equal(svc.taskSets?.find((t) => t.id === created.id)?.status, "ACTIVE");

    await rejectsWith(ecs.send(new DeleteTaskSetCommand({ ...base, taskSet: created.id })), "InvalidParameterException", /scale/);
    await rejectsWith(
      ecs.send(new UpdateTaskSetCommand({ ...base, taskSet: "ecs-svc/0000000000000000000", scale: { value: 0, unit: "PERCENT" } })),
      "TaskSetNotFoundException",
    );
    await ecs.send(new UpdateTaskSetCommand({ ...base, taskSet: created.id!, scale: { value: 0, unit: "PERCENT" } }));
    const deleted = (await ecs.send(new DeleteTaskSetCommand({ ...base, taskSet: created.id }))).taskSet!;
    assert.equal(deleted.status, "DRAINING");
    const draining = await describe(created.taskSetArn!);
    assert.equal(draining?.status, "DRAINING");
    await eventually("drained task set to disappear", async () => {
      const out = await ecs.send(new DescribeTaskSetsCommand({ ...base, taskSets: [created.taskSetArn!] }));
      return out.taskSets?.length === 0 && out.failures?.[0]?.reason === "MISSING" ? true : undefined;
    });
    // force deletes even at scale > 0
    const forced = (await ecs.send(new DeleteTaskSetCommand({ ...base, taskSet: canary.id, force: true }))).taskSet!;
    assert.equal(forced.status, "DRAINING");
  });

  test("RunTask / DescribeTasks / ListTasks, with clientToken", async () => {
    const ecs = h.ecs();
    const run = await ecs.send(new RunTaskCommand({
      cluster: w.cluster, taskDefinition: w.td1, count: 2, launchType: "FARGATE", networkConfiguration: w.network,
      startedBy: "test-run", clientToken: "run-1",
    }));
    assert.equal(run.tasks?.length, 2);
    assert.equal(run.tasks?.[0].lastStatus, "PENDING");
    const again = await ecs.send(new RunTaskCommand({
      cluster: w.cluster, taskDefinition: w.td1, count: 2, launchType: "FARGATE", networkConfiguration: w.network,
      startedBy: "test-run", clientToken: "run-1",
    }));
    assert.deepEqual(again.tasks?.map((t) => t.taskArn).sort(), run.tasks?.map((t) => t.taskArn).sort());
    await rejectsWith(
      ecs.send(new RunTaskCommand({ cluster: w.cluster, taskDefinition: w.td1, launchType: "FARGATE" })),
      "InvalidParameterException",
      /Network Configuration/,
    );
    const running = await eventually("tasks RUNNING", async () => {
      const out = await ecs.send(new DescribeTasksCommand({ cluster: w.cluster, tasks: run.tasks!.map((t) => t.taskArn!) }));
      return out.tasks?.every((t) => t.lastStatus === "RUNNING") ? out : undefined;
    });
    assert.ok(running.tasks?.[0].attachments?.[0].details?.some((d) => d.name === "privateIPv4Address"));
    const listed = await ecs.send(new ListTasksCommand({ cluster: w.cluster, startedBy: "test-run" }));
    assert.equal(listed.taskArns?.length, 2);
    const missing = await ecs.send(new DescribeTasksCommand({ cluster: w.cluster, tasks: ["0123456789abcdef"] }));
    assert.equal(missing.failures?.[0].reason, "MISSING");
  });

  test("TagResource / UntagResource / ListTagsForResource", async () => {
    const ecs = h.ecs();
    const arn = `arn:aws:ecs:us-east-1:123456789012:service/${w.cluster}/${w.service}`;
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: "a", value: "1" }, { key: "b", value: "2" }] }));
    await ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["a"] }));
    const out = await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    assert.deepEqual(out.tags, [{ key: "b", value: "2" }]);
    await rejectsWith(
      ecs.send(new ListTagsForResourceCommand({ resourceArn: "arn:aws:ecs:us-east-1:123456789012:service/nope/nope" })),
      "ResourceNotFoundException",
    );
  });

  test("DeleteService: refused while scaled above 0 unless forced; then not ACTIVE", async () => {
    const ecs = h.ecs();
    const name = unique("del");
    await ecs.send(new CreateServiceCommand({ cluster: w.cluster, serviceName: name, desiredCount: 2, deploymentController: { type: "EXTERNAL" } }));
    await rejectsWith(ecs.send(new DeleteServiceCommand({ cluster: w.cluster, service: name })), "InvalidParameterException", /scaled above 0/);
    const del = await ecs.send(new DeleteServiceCommand({ cluster: w.cluster, service: name, force: true }));
    assert.equal(del.service?.status, "DRAINING");
    await rejectsWith(ecs.send(new UpdateServiceCommand({ cluster: w.cluster, service: name, desiredCount: 1 })), "ServiceNotActiveException");
    await rejectsWith(
      ecs.send(new CreateTaskSetCommand({ cluster: w.cluster, service: name, taskDefinition: w.td1, networkConfiguration: w.network })),
      "ServiceNotActiveException",
    );
  });
});
