// ANALYSIS: judge the new version from metrics and HTTP checks (runtime/analysis/). Each
// sample is journaled (a restart resumes without re-judging), logged with its reason, and
// returned in the outputs; a failure throws with every counted sample's reason, so the
// executor runs the rollback path and the API/CLI show why.
import type { StageHandler } from "../executor/stage-contract.ts";
import { AnalysisFailed, runAnalysis, type AnalysisDeps } from "../analysis/run-analysis.ts";
import type { SampleRecord } from "../analysis/types.ts";

export function analysisStage(deps: AnalysisDeps): StageHandler<"ANALYSIS"> {
  return async (ctx) => {
    const outcome = await runAnalysis(
      {
        deploymentId: ctx.deploymentId,
        nodeId: ctx.node.id,
        app: ctx.graph.app.name,
        params: ctx.node.params,
        clock: ctx.clock,
        signal: ctx.signal,
        nodeStartedAt: ctx.nodeStartedAt,
        journal: (name, intent, run) => ctx.step<SampleRecord>(name, "AnalysisSample", intent, run),
        onSample: (sample, message) => ctx.log(message, { analysisSample: sample }),
        onLog: (message) => ctx.log(message),
      },
      deps,
    );
    if (!outcome.passed) throw new AnalysisFailed(outcome);
    return { message: outcome.message, checks: outcome.checks, samples: outcome.samples };
  };
}
