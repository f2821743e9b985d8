// ECS_TRAFFIC_ROUTING: weighted forward primary/canary on every rule that forwards to them.
import type { StageHandler } from "../executor/stage-contract.ts";
import { StageError } from "../executor/interrupt.ts";
import { routeTraffic } from "./traffic.ts";

export const ecsTrafficRouting: StageHandler<"ECS_TRAFFIC_ROUTING"> = async (ctx) => {
  if (ctx.graph.target.accessType !== "ELB") throw new StageError("ECS_TRAFFIC_ROUTING needs accessType ELB; with SERVICE_DISCOVERY traffic follows the task sets' sizes.");
  const { primary, canary, weightsDefaulted } = ctx.node.params;
  if (weightsDefaulted) ctx.log(`no weights given: PipeCD's default (primary ${primary}% / canary ${canary}%)`);
  const r = await routeTraffic(ctx, primary, canary);
  return { traffic: { primary: r.primary, canary: r.canary }, rules: r.rules };
};
