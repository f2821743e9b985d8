// ECS_SYNC (quick sync): register the task definition, apply the service definition (create the
// service, or UpdateService + tags), start a new primary task set at 100%, make it primary,
// remove every other task set and send all traffic to the primary target group. With
// `recreate`, the service is first scaled to 0 tasks and back to its count afterwards, as PipeCD
// does. Standalone apps run the task definition (RunTask) unless runStandaloneTask is false.
// Services on the ECS deployment controller get an UpdateService instead of task sets.
import { DescribeTasksCommand, RunTaskCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import type { StageContext, StageHandler } from "../executor/stage-contract.ts";
import { StageError } from "../executor/interrupt.ts";
import { clientToken } from "./ids.ts";
import { createTaskSet, currentTaskSets, deleteTaskSet, ensureNewTaskDefinition, makePrimary, waitSteady } from "./task-sets.ts";
import { applyServiceDefinition, appliedDesiredCount, serviceUpdateInput } from "./service-definition.ts";
import { routeTraffic } from "./traffic.ts";
import type { NodeOfStage } from "../executor/graph.ts";

type SyncContext = StageContext<NodeOfStage<"ECS_SYNC">>;

async function runStandalone(ctx: SyncContext) {
  const taskDefinition = await ensureNewTaskDefinition(ctx);
  if (ctx.node.params.runStandaloneTask === false) {
    return { tasks: [], taskDefinition, message: "task definition registered; no task run (runStandaloneTask: false)" };
  }
  const cps = ctx.graph.target.service?.capacityProviderStrategy as unknown[] | undefined;
  const input = {
    cluster: ctx.cluster,
    taskDefinition,
    count: 1,
    startedBy: `kanaria/${ctx.deploymentId}`.slice(0, 36),
    ...(cps?.length ? { capacityProviderStrategy: cps } : { launchType: ctx.graph.target.launchType }),
    ...(ctx.graph.target.awsvpcConfiguration ? { networkConfiguration: { awsvpcConfiguration: ctx.graph.target.awsvpcConfiguration } } : {}),
    clientToken: clientToken(ctx.deploymentId, ctx.node.id, "run-task"),
  };
  const run = await ctx.step("run-task", "RunTask", { taskDefinition }, async () => {
    const r = await ctx.aws.ecs.call(new RunTaskCommand(input as any), { signal: ctx.signal });
    if (r.failures?.length) throw new StageError(`RunTask failed: ${r.failures.map((f: any) => `${f.arn ?? ""} ${f.reason}`).join("; ")}`);
    return { tasks: (r.tasks ?? []).map((t: any) => String(t.taskArn)) };
  });
  for (;;) {
    const d = await ctx.aws.ecs.call(new DescribeTasksCommand({ cluster: ctx.cluster, tasks: run.tasks }), { signal: ctx.signal });
    const states = (d.tasks ?? []).map((t: any) => t.lastStatus);
    if (states.length && states.every((s: string) => s === "RUNNING")) break;
    if (states.some((s: string) => s === "STOPPED")) throw new StageError(`The standalone task stopped: ${(d.tasks ?? []).map((t: any) => t.stoppedReason).join("; ")}`);
    await ctx.clock.sleepReal(ctx.aws.poller.intervalMs, ctx.signal);
  }
  return { tasks: run.tasks, taskDefinition, message: `started ${run.tasks.length} standalone task(s)` };
}

async function syncEcsControlled(ctx: StageContext, taskDefinition: string) {
  await ctx.step("update-service", "UpdateService", { taskDefinition }, async () => {
    await ctx.aws.ecs.call(new UpdateServiceCommand({ ...serviceUpdateInput(ctx), taskDefinition } as any), { signal: ctx.signal });
    return { taskDefinition };
  });
  for (;;) {
    const svc = await ctx.describeService(true);
    const deps = svc?.deployments ?? [];
    const primary = deps.find((d) => d.status === "PRIMARY");
    if (primary?.taskDefinition === taskDefinition && deps.length === 1 && (primary.runningCount ?? 0) >= (primary.desiredCount ?? 0)) break;
  }
  return { taskDefinition, message: "service updated (ECS deployment controller)" };
}

/**
 * `recreate`: the service's desiredCount to 0 (every task set scales to 0 tasks; the old version
 * stops before the new one starts), and later back. The scale-down waits until no task runs.
 */
async function scaleService(ctx: StageContext, step: string, desiredCount: number): Promise<void> {
  await ctx.step(step, "UpdateService", { desiredCount }, async () => {
    await ctx.aws.ecs.call(new UpdateServiceCommand({ cluster: ctx.cluster, service: ctx.service!, desiredCount }), { signal: ctx.signal });
    return { desiredCount };
  });
  if (desiredCount > 0) return;
  let last = -1;
  for (;;) {
    const svc = await ctx.describeService(true);
    const running = (svc?.runningCount ?? 0) + (svc?.pendingCount ?? 0);
    if (running !== last) ctx.log(`recreate: ${running} task(s) of the old version still running`, { running });
    last = running;
    if (running === 0) return;
  }
}

export const ecsSync: StageHandler<"ECS_SYNC"> = async (ctx) => {
  if (ctx.node.params.standalone || !ctx.service) return runStandalone(ctx);
  const taskDefinition = await ensureNewTaskDefinition(ctx);
  await applyServiceDefinition(ctx);
  if (ctx.snapshot.serviceExists && ctx.snapshot.controller !== "EXTERNAL") return syncEcsControlled(ctx, taskDefinition);
  const before = await ctx.step("observe-task-sets", "DescribeServices", {}, async () => ({ arns: (await currentTaskSets(ctx)).map((t) => t.arn) }));
  const { recreate } = ctx.node.params;
  const count = appliedDesiredCount(ctx);
  if (recreate) await scaleService(ctx, "recreate-scale-down", 0);
  const created = await createTaskSet(ctx, { step: "create-task-set", role: "primary", taskDefinition, scale: 100, targetGroup: ctx.graph.target.targetGroups.primary });
  if (!recreate) await waitSteady(ctx, created.arn, "new primary", { role: "primary", version: "new" });
  await makePrimary(ctx, "update-primary", created.arn);
  const removed = before.arns.filter((a) => a !== created.arn);
  for (const arn of removed) await deleteTaskSet(ctx, `delete:${arn.split("/").pop()}`, arn);
  if (recreate) {
    await scaleService(ctx, "recreate-scale-up", count);
    await waitSteady(ctx, created.arn, "new primary", { role: "primary", version: "new" });
  }
  const { primary, canary } = ctx.graph.target.targetGroups;
  let traffic: { primary: number; canary: number } | undefined;
  if (ctx.graph.target.accessType === "ELB" && primary && canary) {
    const r = await routeTraffic(ctx, 100, 0);
    traffic = { primary: r.primary, canary: r.canary };
  }
  const first = !ctx.snapshot.primary;
  return {
    primaryTaskSet: created.arn,
    taskDefinition,
    removed,
    ...(traffic ? { traffic } : {}),
    ...(recreate ? { recreated: true } : {}),
    message: `${first ? "first deployment: " : ""}${recreate ? `recreated (scaled to 0, then back to ${count}): ` : ""}task set ${created.id} is the primary${removed.length ? `; removed ${removed.length} old task set(s)` : ""}`,
  };
};
