// Stage executors by stage name, one table per runtime. The ECS core stages need nothing but
// the stage context; ANALYSIS and WAIT_APPROVAL need the runtime's analysis providers and
// approval board, so the table is built from them (createRuntime does it). A stage the table
// lacks fails its node with a clear message instead of crashing the executor.
import type { StageHandler } from "../executor/context.ts";
import type { StageName } from "../executor/graph.ts";
import { StageError } from "../executor/interrupt.ts";
import type { AnalysisDeps } from "../analysis/run-analysis.ts";
import type { ApprovalBoard } from "../approvals/board.ts";
import { ecsSync } from "./ecs-sync.ts";
import { ecsCanaryRollout } from "./ecs-canary-rollout.ts";
import { ecsPrimaryRollout } from "./ecs-primary-rollout.ts";
import { ecsTrafficRouting } from "./ecs-traffic-routing.ts";
import { ecsCanaryClean } from "./ecs-canary-clean.ts";
import { wait } from "./wait.ts";
import { rollbackTraffic } from "./rollback-traffic.ts";
import { rollbackPrimary } from "./rollback-primary.ts";
import { rollbackClean } from "./rollback-clean.ts";
import { analysisStage } from "./analysis.ts";
import { rollbackScriptRun, scriptRun } from "./script-run.ts";
import { waitApprovalStage } from "./wait-approval.ts";

export interface StageDeps {
  analysis: AnalysisDeps;
  approvals: ApprovalBoard;
}

export type StageTable = (name: StageName) => StageHandler;

export function createStageTable(deps: StageDeps): StageTable {
  const handlers = new Map<StageName, StageHandler>([
    ["ECS_SYNC", ecsSync],
    ["ECS_CANARY_ROLLOUT", ecsCanaryRollout],
    ["ECS_PRIMARY_ROLLOUT", ecsPrimaryRollout],
    ["ECS_TRAFFIC_ROUTING", ecsTrafficRouting],
    ["ECS_CANARY_CLEAN", ecsCanaryClean],
    ["WAIT", wait],
    ["ANALYSIS", analysisStage(deps.analysis)],
    ["WAIT_APPROVAL", waitApprovalStage(deps.approvals)],
    ["SCRIPT_RUN", scriptRun],
    ["ROLLBACK_TRAFFIC", rollbackTraffic],
    ["ROLLBACK_PRIMARY", rollbackPrimary],
    ["ROLLBACK_CLEAN", rollbackClean],
    ["ROLLBACK_SCRIPT_RUN", rollbackScriptRun],
  ]);
  return (name) =>
    handlers.get(name) ??
    (async () => {
      throw new StageError(`Stage ${name} is not supported by this runtime. Remove it from the pipeline, or run a Kanaria version that implements it.`);
    });
}
