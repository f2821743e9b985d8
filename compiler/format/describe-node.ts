// One short sentence per node ("canary 20% / primary 80%"), shared by plan, mermaid and the
// terminal output of `kanaria deploy`.
import type { ExecutionGraph } from "../validate/generated/types/graph.ts";
import { formatDuration } from "../resolve/duration.ts";

type Node = ExecutionGraph["nodes"][number];

export function describeNode(n: Node): string {
  switch (n.stage) {
    case "ECS_SYNC":
      if (n.params.standalone) return n.params.runStandaloneTask === false ? "register task definition only (runStandaloneTask: false)" : "run standalone task";
      return n.params.recreate ? "scale to 0, replace primary with new version, scale back (recreate)" : "replace primary with new version";
    case "ECS_CANARY_ROLLOUT":
      return `canary task set at ${n.params.scale}% scale`;
    case "ECS_PRIMARY_ROLLOUT":
      return "new version becomes primary";
    case "ECS_TRAFFIC_ROUTING":
      return `primary ${n.params.primary}% / canary ${n.params.canary}%${n.params.weightsDefaulted ? " (no weights given: PipeCD's default)" : ""}`;
    case "ECS_CANARY_CLEAN":
      return "remove canary task set";
    case "WAIT":
      return `wait ${formatDuration(n.params.durationMs)}${n.params.durationDefaulted ? " (no duration given: PipeCD's default)" : ""}`;
    case "WAIT_APPROVAL":
      return `approval by ${n.params.minApproverNum}${n.params.approvers.length ? ` of ${n.params.approvers.join(", ")}` : ""}`;
    case "ANALYSIS":
      return `analysis ${formatDuration(n.params.durationMs)} (${n.params.metrics.length + n.params.http.length + n.params.logs.length} checks)`;
    case "SCRIPT_RUN":
      return `run: ${n.params.run.split("\n")[0].slice(0, 40)}`;
    case "ROLLBACK_TRAFFIC":
      return "all traffic to primary";
    case "ROLLBACK_PRIMARY":
      return "restore previous primary";
    case "ROLLBACK_CLEAN":
      return "remove new task sets";
    case "ROLLBACK_SCRIPT_RUN":
      return `run: ${n.params.run.split("\n")[0].slice(0, 40)}`;
  }
}
