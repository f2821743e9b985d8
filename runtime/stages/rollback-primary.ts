// ROLLBACK_PRIMARY: put back the task set that was primary before the deployment (from the
// journaled snapshot): make it primary again at 100%, or recreate it from its task definition
// when ECS_PRIMARY_ROLLOUT already deleted it.
import type { StageHandler } from "../executor/stage-contract.ts";
import { createTaskSet, currentTaskSets, makePrimary, scaleTaskSet, waitSteady } from "./task-sets.ts";

export const rollbackPrimary: StageHandler<"ROLLBACK_PRIMARY"> = async (ctx) => {
  const old = ctx.snapshot.primary;
  if (!ctx.service || !old) return { message: "no previous primary task set to restore (first deployment); ROLLBACK_CLEAN removes the new task sets" };
  const live = (await currentTaskSets(ctx)).find((t) => t.arn === old.arn);
  let arn: string;
  if (live) {
    arn = live.arn;
    if (live.scale !== 100) await scaleTaskSet(ctx, "scale-old-primary", arn, 100);
  } else {
    const created = await createTaskSet(ctx, { step: "recreate-primary", role: "primary", taskDefinition: old.taskDefinition, scale: 100, targetGroup: ctx.graph.target.targetGroups.primary, like: old });
    arn = created.arn;
  }
  await waitSteady(ctx, arn, "restored primary", { role: "primary", version: "current" });
  const current = (await currentTaskSets(ctx)).find((t) => t.status === "PRIMARY");
  if (current?.arn !== arn) await makePrimary(ctx, "restore-primary", arn);
  return { primaryTaskSet: arn, taskDefinition: old.taskDefinition, message: live ? "previous primary task set is primary again" : "previous primary recreated from its task definition" };
};
