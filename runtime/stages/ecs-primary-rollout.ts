// ECS_PRIMARY_ROLLOUT: new primary task set (100%) in the primary target group, make it the
// service's primary, then remove only the old primary (a canary, if any, stays until
// ECS_CANARY_CLEAN).
import type { StageHandler } from "../executor/stage-contract.ts";
import { createTaskSet, currentTaskSets, deleteTaskSet, ensureNewTaskDefinition, makePrimary, waitSteady } from "./task-sets.ts";
import { requireExternalService } from "./guards.ts";
import { applyServiceDefinition } from "./service-definition.ts";

export const ecsPrimaryRollout: StageHandler<"ECS_PRIMARY_ROLLOUT"> = async (ctx) => {
  requireExternalService(ctx);
  const taskDefinition = await ensureNewTaskDefinition(ctx);
  await applyServiceDefinition(ctx);
  // Which task set is primary before we change anything: journaled, so a restart after
  // UpdateServicePrimaryTaskSet still knows which one to delete.
  const old = await ctx.step("observe-primary", "DescribeServices", {}, async () => {
    const p = (await currentTaskSets(ctx)).find((t) => t.status === "PRIMARY");
    return { arn: p?.arn ?? null, id: p?.id ?? null, taskDefinition: p?.taskDefinition ?? null };
  });
  const created = await createTaskSet(ctx, { step: "create-task-set", role: "primary", taskDefinition, scale: 100, targetGroup: ctx.graph.target.targetGroups.primary });
  await waitSteady(ctx, created.arn, "new primary", { role: "primary", version: "new" });
  await makePrimary(ctx, "update-primary", created.arn);
  if (old.arn && old.arn !== created.arn) await deleteTaskSet(ctx, "delete-old-primary", old.arn);
  return { primaryTaskSet: created.arn, taskDefinition, removed: old.arn, message: `task set ${created.id} is the primary${old.id ? `; removed ${old.id}` : ""}` };
};
