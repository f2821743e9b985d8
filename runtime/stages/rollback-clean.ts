// ROLLBACK_CLEAN: remove every task set this deployment created (canary and new primary) and
// any canary in the canary target group, keeping the primary.
import type { StageHandler } from "../executor/context.ts";
import { currentTaskSets, deleteTaskSet } from "./task-sets.ts";
import { isOwnedBy } from "./ids.ts";

export const rollbackClean: StageHandler = async (ctx) => {
  if (!ctx.service) return { message: "standalone task: nothing to clean" };
  const canaryTg = ctx.graph.target.targetGroups.canary?.targetGroupArn;
  const restoreNode = ctx.graph.rollback.find((n) => n.stage === "ROLLBACK_PRIMARY")?.id;
  const restored = restoreNode ? (await ctx.journal.result<{ arn: string }>(restoreNode, "recreate-primary"))?.arn : undefined;
  const all = await currentTaskSets(ctx, true);
  // Deleted before a restart: the journal row is closed with what ECS shows now.
  for (const t of all) if (t.status === "DRAINING") await ctx.journal.settle(ctx.node.id, `delete:${t.id}`, { taskSet: t.arn, status: "DRAINING" });
  const sets = all.filter((t) => t.status !== "DRAINING");
  const hasOldPrimary = !!ctx.snapshot.primary;
  const doomed = sets.filter((t) => {
    if (t.arn === restored) return false;
    if (t.status === "PRIMARY" && hasOldPrimary) return false;
    return isOwnedBy(t.externalId, ctx.deploymentId) || (!!canaryTg && t.loadBalancers.some((lb) => lb.targetGroupArn === canaryTg));
  });
  for (const t of doomed) await deleteTaskSet(ctx, `delete:${t.id}`, t.arn);
  return { removed: doomed.map((t) => t.arn), message: doomed.length ? `removed ${doomed.length} task set(s)` : "nothing to remove" };
};
