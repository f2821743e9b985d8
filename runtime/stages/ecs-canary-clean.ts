// ECS_CANARY_CLEAN: delete the canary task set(s). Absent = already clean.
import type { StageHandler } from "../executor/context.ts";
import { currentTaskSets, deleteTaskSet } from "./task-sets.ts";
import { isOwnedBy, roleOf } from "./ids.ts";
import { requireExternalService } from "./guards.ts";

export const ecsCanaryClean: StageHandler = async (ctx) => {
  requireExternalService(ctx);
  const canaryTg = ctx.graph.target.targetGroups.canary?.targetGroupArn;
  const all = await currentTaskSets(ctx, true);
  // Deleted before a restart: the journal row is closed with what ECS shows now.
  for (const t of all) if (t.status === "DRAINING") await ctx.journal.settle(ctx.node.id, `delete:${t.id}`, { taskSet: t.arn, status: "DRAINING" });
  const sets = all.filter((t) => t.status !== "DRAINING");
  const canaries = sets.filter(
    (t) =>
      t.status !== "PRIMARY" &&
      ((isOwnedBy(t.externalId, ctx.deploymentId) && roleOf(t.externalId) === "canary") ||
        (!!canaryTg && t.loadBalancers.some((lb) => lb.targetGroupArn === canaryTg))),
  );
  for (const t of canaries) await deleteTaskSet(ctx, `delete:${t.id}`, t.arn);
  return { removed: canaries.map((t) => t.arn), message: canaries.length ? `removed ${canaries.length} canary task set(s)` : "no canary task set: already clean" };
};
