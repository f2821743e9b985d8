// Registers the stages beyond the ECS core: ANALYSIS, SCRIPT_RUN, ROLLBACK_SCRIPT_RUN and
// WAIT_APPROVAL. Call once at startup, before deployments run.
import { registerStage } from "./registry.ts";
import { analysisStage } from "./analysis.ts";
import { rollbackScriptRun, scriptRun } from "./script-run.ts";
import { waitApprovalStage } from "./wait-approval.ts";
import type { AnalysisDeps } from "../analysis/run-analysis.ts";
import type { ApprovalBoard } from "../approvals/board.ts";

export interface ExtendedStageDeps {
  analysis: AnalysisDeps;
  approvals: ApprovalBoard;
}

export function registerExtendedStages(deps: ExtendedStageDeps): void {
  registerStage("ANALYSIS", analysisStage(deps.analysis));
  registerStage("SCRIPT_RUN", scriptRun);
  registerStage("ROLLBACK_SCRIPT_RUN", rollbackScriptRun);
  registerStage("WAIT_APPROVAL", waitApprovalStage(deps.approvals));
}
