// What each stage does to the ECS task sets and to the traffic, for hover on a stage name. Kept
// in step with compiler/pipeline/state-model.ts (the compiler's model of the same effects).
import type { StageName } from "../compiler/model.ts";
import { STAGE_TIMEOUT_MS } from "../compiler/resolve/defaults.ts";

export const STAGE_SEMANTICS: Record<StageName, string> = {
  ECS_SYNC:
    "Quick sync: creates a PRIMARY task set running the new version at 100% of desiredCount, points all listener weight at the primary target group, and deletes every other task set (the old primary, any canary). No canary, no gradual shift.",
  ECS_CANARY_ROLLOUT:
    "Creates a CANARY task set running the new version, sized `with.scale` percent of the service's desiredCount, registered in the canary target group. It receives **no traffic** until an ECS_TRAFFIC_ROUTING stage gives the canary weight (with SERVICE_DISCOVERY it receives traffic in proportion to its task count right away).",
  ECS_PRIMARY_ROLLOUT:
    "Replaces the PRIMARY task set with one running the new version at 100% of desiredCount (the old primary is deleted once the new one is steady). Traffic weights are unchanged: route traffic back to the primary afterwards if the canary had some.",
  ECS_TRAFFIC_ROUTING:
    "Sets the listener's forward weights between the PRIMARY and CANARY target groups (`with.primary` or `with.canary`; the other side gets the rest). Task sets are unchanged. Needs accessType ELB.",
  ECS_CANARY_CLEAN:
    "Deletes the CANARY task set. Any traffic still weighted to the canary target group then fails, so route 100% to the primary first.",
  WAIT: "Pauses the pipeline for `with.duration`. Task sets and traffic stay as they are.",
  WAIT_APPROVAL: "Pauses until `with.minApproverNum` of `with.approvers` approve (or the stage times out, which fails it). Task sets and traffic stay as they are.",
  ANALYSIS:
    "Runs the metric, log and HTTP checks every `interval` for `with.duration`; any check failing beyond its failureLimit fails the stage, which rolls the deployment back (autoRollback). Task sets and traffic stay as they are, so give the canary traffic before analysing it.",
  SCRIPT_RUN: "Runs `with.run` as a shell script on the runtime host; a non-zero exit fails the stage. Task sets and traffic stay as they are.",
};

export function stageDoc(name: string): string | undefined {
  const s = STAGE_SEMANTICS[name as StageName];
  if (!s) return undefined;
  const t = STAGE_TIMEOUT_MS[name as StageName];
  const timeout = t ? `\n\nDefault timeout: ${t / 60_000}m.` : "";
  return `**${name}**: ${s}${timeout}`;
}
