// ECS task-set operations shared by the stages, each one journaled (see executor/journal.ts).
import {
  CreateTaskSetCommand,
  DeleteTaskSetCommand,
  DescribeTaskDefinitionCommand,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
  UpdateServicePrimaryTaskSetCommand,
  UpdateTaskSetCommand,
  type TaskSet,
} from "@aws-sdk/client-ecs";
import { DEPLOYMENT_NODE, type StageContext } from "../executor/stage-contract.ts";
import type { TargetGroupRef } from "../executor/graph.ts";
import { StageError } from "../executor/interrupt.ts";
import { errorName } from "../aws/errors.ts";
import { taskSetInfo, taskSetObservation, type TaskSetInfo, type TaskSetRole } from "../executor/snapshot.ts";
import { clientToken, externalId, kanariaTags } from "./ids.ts";

export interface CreatedTaskSet {
  id: string;
  arn: string;
  taskDefinition: string;
}

/** Task sets of the service right now (DRAINING ones excluded unless asked). */
export async function currentTaskSets(ctx: StageContext, includeDraining = false): Promise<TaskSetInfo[]> {
  const svc = await ctx.describeService();
  return (svc?.taskSets ?? []).filter((t) => includeDraining || t.status !== "DRAINING").map(taskSetInfo);
}

/** Registers the new task definition once per deployment. */
export async function ensureNewTaskDefinition(ctx: StageContext): Promise<string> {
  const body = ctx.graph.target.taskDefinition;
  const family = String(body.family ?? "");
  const tags = [...((body.tags as Array<{ key: string; value: string }>) ?? []), ...kanariaTags(ctx.deploymentId, DEPLOYMENT_NODE)];
  const input = { ...body, tags };
  // RegisterTaskDefinition has no clientToken: sent twice, it makes two revisions. After a crash
  // or an ambiguous failure, the latest revision of the family is ours if it carries our tag.
  const registered = async (): Promise<string | undefined> => {
    if (!family) return undefined;
    try {
      const d = await ctx.aws.ecs.call(new DescribeTaskDefinitionCommand({ taskDefinition: family }), { signal: ctx.signal });
      const arn = d.taskDefinition?.taskDefinitionArn;
      if (!arn) return undefined;
      const t = await ctx.aws.ecs.call(new ListTagsForResourceCommand({ resourceArn: arn }), { signal: ctx.signal });
      const mine = (t.tags ?? []).some((x: any) => x.key === "kanaria:deployment" && x.value === ctx.deploymentId);
      return mine ? arn : undefined;
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      return undefined;
    }
  };
  const out = await ctx.journal.step<{ arn: string }>(
    DEPLOYMENT_NODE,
    "register-task-definition",
    "RegisterTaskDefinition",
    { family, image: ctx.graph.target.image ?? null },
    async () => {
      const r = await ctx.aws.ecs.call(new RegisterTaskDefinitionCommand(input as any), {
        signal: ctx.signal,
        readBack: async () => {
          const arn = await registered();
          return arn ? { taskDefinition: { taskDefinitionArn: arn } } : undefined;
        },
      });
      return { arn: String(r.taskDefinition?.taskDefinitionArn) };
    },
    {
      readBack: async () => {
        const arn = await registered();
        return arn ? { arn } : undefined;
      },
    },
  );
  return out.arn;
}

function loadBalancersFor(tg: TargetGroupRef | null): Array<Record<string, unknown>> {
  if (!tg) return [];
  return [
    {
      targetGroupArn: tg.targetGroupArn,
      ...(tg.containerName ? { containerName: tg.containerName } : {}),
      ...(tg.containerPort ? { containerPort: tg.containerPort } : {}),
      ...(tg.loadBalancerName ? { loadBalancerName: tg.loadBalancerName } : {}),
    },
  ];
}

/** Task-set placement options from the service definition (or, for a restore, the old task set). */
function placement(ctx: StageContext, from?: TaskSetInfo): Record<string, unknown> {
  if (from) {
    return {
      ...(from.capacityProviderStrategy?.length ? { capacityProviderStrategy: from.capacityProviderStrategy } : from.launchType ? { launchType: from.launchType } : {}),
      ...(from.platformVersion ? { platformVersion: from.platformVersion } : {}),
      ...(from.networkConfiguration ? { networkConfiguration: from.networkConfiguration } : {}),
      ...(from.serviceRegistries.length ? { serviceRegistries: from.serviceRegistries } : {}),
    };
  }
  const svc = ctx.graph.target.service ?? {};
  const cps = svc.capacityProviderStrategy as unknown[] | undefined;
  return {
    ...(cps?.length ? { capacityProviderStrategy: cps } : { launchType: ctx.graph.target.launchType }),
    ...(svc.platformVersion ? { platformVersion: svc.platformVersion } : {}),
    ...(svc.networkConfiguration ? { networkConfiguration: svc.networkConfiguration } : {}),
    ...(ctx.graph.target.accessType === "SERVICE_DISCOVERY" && svc.serviceRegistries ? { serviceRegistries: svc.serviceRegistries } : {}),
  };
}

export interface CreateTaskSetOptions {
  step: string;
  role: "primary" | "canary";
  taskDefinition: string;
  scale: number;
  /** Target group (ELB access); ignored for SERVICE_DISCOVERY. */
  targetGroup: TargetGroupRef | null;
  /** Copy placement/network/registries from this task set instead of the service definition. */
  like?: TaskSetInfo;
}

export async function createTaskSet(ctx: StageContext, o: CreateTaskSetOptions): Promise<CreatedTaskSet> {
  if (!ctx.service) throw new StageError("This stage needs an ECS service; the graph has none (standalone task).");
  const ext = externalId(ctx.deploymentId, ctx.node.id, o.role);
  const elb = ctx.graph.target.accessType === "ELB";
  const loadBalancers = o.like ? o.like.loadBalancers : elb ? loadBalancersFor(o.targetGroup) : [];
  const input = {
    cluster: ctx.cluster,
    service: ctx.service,
    taskDefinition: o.taskDefinition,
    externalId: ext,
    scale: { value: o.scale, unit: "PERCENT" },
    ...(loadBalancers.length ? { loadBalancers } : {}),
    ...placement(ctx, o.like),
    clientToken: clientToken(ctx.deploymentId, ctx.node.id, o.step),
    tags: kanariaTags(ctx.deploymentId, ctx.node.id, o.role),
  };
  return ctx.step<CreatedTaskSet>(
    o.step,
    "CreateTaskSet",
    { taskDefinition: o.taskDefinition, scale: o.scale, externalId: ext, targetGroup: loadBalancers[0]?.targetGroupArn ?? null },
    async () => {
      const r = await ctx.aws.ecs.call(new CreateTaskSetCommand(input as any), { signal: ctx.signal });
      const t: TaskSet = r.taskSet ?? {};
      return { id: String(t.id), arn: String(t.taskSetArn), taskDefinition: String(t.taskDefinition ?? o.taskDefinition) };
    },
    async () => {
      const found = (await currentTaskSets(ctx)).find((t) => t.externalId === ext);
      return found ? { id: found.id, arn: found.arn, taskDefinition: found.taskDefinition } : undefined;
    },
  );
}

export async function makePrimary(ctx: StageContext, step: string, taskSetArn: string): Promise<void> {
  await ctx.step(step, "UpdateServicePrimaryTaskSet", { primaryTaskSet: taskSetArn }, async () => {
    await ctx.aws.ecs.call(new UpdateServicePrimaryTaskSetCommand({ cluster: ctx.cluster, service: ctx.service!, primaryTaskSet: taskSetArn }), {
      signal: ctx.signal,
    });
    return { primaryTaskSet: taskSetArn };
  });
}

export async function scaleTaskSet(ctx: StageContext, step: string, taskSetArn: string, scale: number): Promise<void> {
  await ctx.step(step, "UpdateTaskSet", { taskSet: taskSetArn, scale }, async () => {
    await ctx.aws.ecs.call(
      new UpdateTaskSetCommand({ cluster: ctx.cluster, service: ctx.service!, taskSet: taskSetArn, scale: { value: scale, unit: "PERCENT" } }),
      { signal: ctx.signal },
    );
    return { taskSet: taskSetArn, scale };
  });
}

/** DeleteTaskSet with force; a task set that is already gone counts as deleted. */
export async function deleteTaskSet(ctx: StageContext, step: string, taskSetArn: string): Promise<void> {
  await ctx.step(step, "DeleteTaskSet", { taskSet: taskSetArn }, async () => {
    try {
      await ctx.aws.ecs.call(new DeleteTaskSetCommand({ cluster: ctx.cluster, service: ctx.service!, taskSet: taskSetArn, force: true }), {
        signal: ctx.signal,
      });
      return { taskSet: taskSetArn, deleted: true };
    } catch (e) {
      if (errorName(e) === "TaskSetNotFoundException") return { taskSet: taskSetArn, deleted: false, alreadyGone: true };
      throw e;
    }
  });
}

/** Waits until the task set runs its computed desired count, all healthy (STEADY_STATE). */
export async function waitSteady(ctx: StageContext, taskSetArn: string, what: string, who: TaskSetRole): Promise<TaskSetInfo & { running: number; desired: number }> {
  let last = "";
  for (;;) {
    const svc = await ctx.describeService(true);
    const t = svc?.taskSets?.find((x) => x.taskSetArn === taskSetArn);
    if (t) {
      if (t.status === "DRAINING") throw new StageError(`The ${what} task set ${t.id} is being deleted (DRAINING) while Kanaria waits for it; something else changed the service.`);
      const seen = taskSetObservation(t, who);
      if (seen.line !== last) {
        ctx.log(`${what} task set ${t.id}: ${seen.line}`, seen.data);
        last = seen.line;
      }
      const { running, desired, pending } = seen.data;
      if (t.stabilityStatus === "STEADY_STATE" && running === desired && pending === 0) return { ...taskSetInfo(t), running, desired };
    }
    // describeService() already waits for the next batch; no extra sleep needed.
  }
}
