// WAIT: sleep durationMs (deployment time). Resumes where it left off after a restart.
import type { StageHandler } from "../executor/context.ts";

export const wait: StageHandler = async (ctx) => {
  const duration = Number(ctx.node.params.durationMs ?? 0);
  const remaining = Math.max(0, duration - ctx.clock.since(ctx.nodeStartedAt));
  await ctx.clock.sleep(remaining, ctx.signal);
  return { durationMs: duration };
};
