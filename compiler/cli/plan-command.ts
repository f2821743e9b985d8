// `kanaria plan APP`: a table of the steps with task counts and traffic after each.
import { formatPlan } from "../format/plan.ts";
import { flagString, parseCommandArgs } from "./args.ts";
import { compileOne } from "./compile-one.ts";
import type { Io } from "./compile-command.ts";

export const PLAN_HELP = `Usage: kanaria plan APP [--config FILE]

Shows what a deployment will do, step by step: task sets, task counts and traffic split after
each stage, timeouts, and the rollback path.
`;

export function planCommand(args: string[], io: Io): number {
  const parsed = parseCommandArgs("plan", PLAN_HELP, args, { values: ["config"], booleans: ["help", "no-color"] }, io.err);
  if (typeof parsed === "number") return parsed;
  if (parsed.flags.has("help")) return (io.out(PLAN_HELP), 0);
  const r = compileOne(parsed.positionals[0], flagString(parsed, "config"), io, "plan");
  if (!r.ok) return r.exitCode;
  io.out(formatPlan(r.graph));
  return 0;
}
