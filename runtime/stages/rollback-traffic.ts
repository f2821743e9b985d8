// ROLLBACK_TRAFFIC: all traffic back to the primary target group, first thing in a rollback.
import type { StageHandler } from "../executor/stage-contract.ts";
import { routeTraffic } from "./traffic.ts";

export const rollbackTraffic: StageHandler<"ROLLBACK_TRAFFIC"> = async (ctx) => {
  const { primary, canary } = ctx.graph.target.targetGroups;
  if (ctx.graph.target.accessType !== "ELB" || !primary || !canary) return { message: "no weighted routing to undo" };
  const r = await routeTraffic(ctx, 100, 0);
  return { traffic: { primary: r.primary, canary: r.canary } };
};
