// One short sentence per node ("canary 20% / primary 80%"), shared by plan, mermaid and the
// terminal output of `kanaria deploy`.
import type { ExecutionGraph } from "../validate/generated/types/graph.ts";
import { formatDuration } from "../resolve/duration.ts";

type Node = ExecutionGraph["nodes"][number];

export function describeNode(n: Node): string {
  const p = n.params as Record<string, any>;
  switch (n.stage) {
    case "ECS_SYNC":
      if (p.standalone) return p.runStandaloneTask === false ? "register task definition only (runStandaloneTask: false)" : "run standalone task";
      return p.recreate ? "scale to 0, replace primary with new version, scale back (recreate)" : "replace primary with new version";
    case "ECS_CANARY_ROLLOUT":
      return `canary task set at ${p.scale}% scale`;
    case "ECS_PRIMARY_ROLLOUT":
      return "new version becomes primary";
    case "ECS_TRAFFIC_ROUTING":
      return `primary ${p.primary}% / canary ${p.canary}%${p.weightsDefaulted ? " (no weights given: PipeCD's default)" : ""}`;
    case "ECS_CANARY_CLEAN":
      return "remove canary task set";
    case "WAIT":
      return `wait ${formatDuration(p.durationMs)}${p.durationDefaulted ? " (no duration given: PipeCD's default)" : ""}`;
    case "WAIT_APPROVAL":
      return `approval by ${p.minApproverNum}${p.approvers?.length ? ` of ${p.approvers.join(", ")}` : ""}`;
    case "ANALYSIS":
      return `analysis ${formatDuration(p.durationMs)} (${(p.metrics?.length ?? 0) + (p.http?.length ?? 0) + (p.logs?.length ?? 0)} checks)`;
    case "SCRIPT_RUN":
      return `run: ${String(p.run).split("\n")[0].slice(0, 40)}`;
    case "ROLLBACK_TRAFFIC":
      return "all traffic to primary";
    case "ROLLBACK_PRIMARY":
      return "restore previous primary";
    case "ROLLBACK_CLEAN":
      return "remove new task sets";
    case "ROLLBACK_SCRIPT_RUN":
      return `run: ${String(p.run).split("\n")[0].slice(0, 40)}`;
    default:
      return n.name;
  }
}
