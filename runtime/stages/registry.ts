// Stage executors by stage name, one table per runtime. The ECS core stages need nothing but
// the stage context; ANALYSIS and WAIT_APPROVAL need the runtime's analysis providers and
// approval board, so the table is built from them (createRuntime does it). A stage the table
// lacks fails its node with a clear message instead of crashing the executor.
import type { StageContext, StageHandler, StageTable } from "../executor/stage-contract.ts";
import type { NodeOfStage, StageName } from "../executor/graph.ts";
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


function isOfStage<S extends StageName>(ctx: StageContext, stage: S): ctx is StageContext<NodeOfStage<S>> {
  return ctx.node.stage === stage;
}

/** A stage's handler as the executor calls it (with any node): it runs only nodes of its stage. */
function forStage<S extends StageName>(stage: S, handler: StageHandler<S>): [StageName, StageHandler] {
  return [
    stage,
    (ctx) => {
      if (!isOfStage(ctx, stage)) throw new StageError(`Node ${ctx.node.id} (${ctx.node.stage}) was handed to the ${stage} executor.`);
      return handler(ctx);
    },
  ];
}

export function createStageTable(deps: StageDeps): StageTable {
  const handlers = new Map<StageName, StageHandler>([
    forStage("ECS_SYNC", ecsSync),
    forStage("ECS_CANARY_ROLLOUT", ecsCanaryRollout),
    forStage("ECS_PRIMARY_ROLLOUT", ecsPrimaryRollout),
    forStage("ECS_TRAFFIC_ROUTING", ecsTrafficRouting),
    forStage("ECS_CANARY_CLEAN", ecsCanaryClean),
    forStage("WAIT", wait),
    forStage("ANALYSIS", analysisStage(deps.analysis)),
    forStage("WAIT_APPROVAL", waitApprovalStage(deps.approvals)),
    forStage("SCRIPT_RUN", scriptRun),
    forStage("ROLLBACK_TRAFFIC", rollbackTraffic),
    forStage("ROLLBACK_PRIMARY", rollbackPrimary),
    forStage("ROLLBACK_CLEAN", rollbackClean),
    forStage("ROLLBACK_SCRIPT_RUN", rollbackScriptRun),
  ]);
  return (name) =>
    handlers.get(name) ??
    (async () => {
      throw new StageError(`Stage ${name} is not supported by this runtime. Remove it from the pipeline, or run a Kanaria version that implements it.`);
    });
}
