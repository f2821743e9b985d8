// ECS_CANARY_ROLLOUT: register the new task definition and run it as a canary task set at
// `scale` percent of the service's desired count, in the canary target group.
import type { StageHandler } from "../executor/stage-contract.ts";
import { createTaskSet, ensureNewTaskDefinition, waitSteady } from "./task-sets.ts";
import { requireExternalService } from "./guards.ts";
import { applyServiceDefinition } from "./service-definition.ts";

export const ecsCanaryRollout: StageHandler<"ECS_CANARY_ROLLOUT"> = async (ctx) => {
  requireExternalService(ctx);
  const { scale } = ctx.node.params;
  const taskDefinition = await ensureNewTaskDefinition(ctx);
  await applyServiceDefinition(ctx);
  const created = await createTaskSet(ctx, { step: "create-task-set", role: "canary", taskDefinition, scale, targetGroup: ctx.graph.target.targetGroups.canary });
  const steady = await waitSteady(ctx, created.arn, "canary", { role: "canary", version: "new" });
  return { canaryTaskSet: created.arn, taskDefinition, scale, runningCount: steady.running, message: `canary task set ${created.id} at ${scale}% is steady` };
};
