// WAIT: sleep durationMs (deployment time). Resumes where it left off after a restart.
import type { StageHandler } from "../executor/stage-contract.ts";

export const wait: StageHandler<"WAIT"> = async (ctx) => {
  const { durationMs: duration, durationDefaulted } = ctx.node.params;
  if (durationDefaulted) ctx.log(`no duration given: PipeCD's default (${duration} ms)`);
  const remaining = Math.max(0, duration - ctx.clock.since(ctx.nodeStartedAt));
  await ctx.clock.sleep(remaining, ctx.signal);
  return { durationMs: duration };
};
