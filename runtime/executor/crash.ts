// Deterministic crash injection for the crash tests: KANARIA_CRASH_AT=<node>:<phase>[:<step>]
// kills the process (SIGKILL) at that point. Phases:
//   start  - right after the node is marked RUNNING
//   intent - right after a side effect's intent is journaled (before the AWS call)
//   call   - right after the AWS call returned, before its result is journaled
//   submitted - (node "gitops") right after a commit's deployment is queued, before the commit
//            is recorded as handled (runtime/gitops/agent.ts)
// Without <step> the first matching step of the node triggers it.
import { env } from "../platform/index.ts";
import { killSelf } from "../platform/process.ts";

export type CrashPhase = "start" | "intent" | "call" | "submitted";

const spec = (() => {
  const raw = env("KANARIA_CRASH_AT");
  if (!raw) return null;
  const [node, phase, ...rest] = raw.split(":");
  return { node, phase: phase as CrashPhase, step: rest.length ? rest.join(":") : null };
})();

export function crashPoint(nodeId: string, phase: CrashPhase, step?: string): void {
  if (!spec || spec.node !== nodeId || spec.phase !== phase) return;
  if (spec.step && spec.step !== step) return;
  killSelf();
}
