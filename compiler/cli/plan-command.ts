// `kanaria plan APP`: a table of the steps with task counts and traffic after each.
import { formatPlan } from "../format/plan.ts";
import { flagString, parseCommandArgs } from "./args.ts";
import { compileOne } from "./compile-one.ts";
import type { Io } from "./compile-command.ts";

export const PLAN_HELP = `Usage: kanaria plan APP [--config FILE] [--root DIR] [--live | --base REF] [--format text|markdown|json]

Shows what a deployment will do, step by step: task sets, task counts and traffic split after
each stage, timeouts, and the rollback path. --root DIR: the repository root the files APP
names must be in (default: the Git top level above APP, else its folder).
--live: also what it would change on the running service (ECS, through --config's platform
provider); --base REF: compared with the app at Git revision REF, without AWS; --format
markdown for a pull-request comment (kanaria plan --live --help for more).
`;

export function planCommand(args: string[], io: Io): number {
  const parsed = parseCommandArgs("plan", PLAN_HELP, args, { values: ["config", "root"], booleans: ["help", "no-color"] }, io.err);
  if (typeof parsed === "number") return parsed;
  if (parsed.flags.has("help")) return (io.out(PLAN_HELP), 0);
  const r = compileOne(parsed.positionals[0], flagString(parsed, "config"), io, "plan", flagString(parsed, "root"));
  if (!r.ok) return r.exitCode;
  io.out(formatPlan(r.graph));
  return 0;
}
