import type { LintRule } from "./rule.ts";
import type { DataPath } from "../source/source-file.ts";
import { analysisBody, canaryApp, stagesWith } from "./fixtures.ts";
import { fix, replaceValue } from "./helpers.ts";

export default {
  id: "baseline-variant-missing",
  severity: "error",
  phase: "lint",
  docs: "CANARY_BASELINE compares the canary with a baseline variant (the current version, started at the canary's size). PipeCD has no baseline rollout stage for ECS, so an ECS pipeline never has a baseline task set and the query for `baseline` finds nothing. CANARY_PRIMARY compares the canary with the primary, so it needs a canary task set to exist when the ANALYSIS runs. Decided from the pipeline simulation. Fix: use `strategy: CANARY_PRIMARY` (the quick fix) instead of CANARY_BASELINE, and run the analysis after ECS_CANARY_ROLLOUT and before ECS_CANARY_CLEAN.",
  examples: {
    valid: [{ title: "CANARY_PRIMARY while the canary runs", files: canaryApp(stagesWith("ANALYSIS", analysisBody("              strategy: CANARY_PRIMARY\n"))) }],
    invalid: [
      { title: "CANARY_BASELINE on ECS", files: canaryApp(stagesWith("ANALYSIS", analysisBody("              strategy: CANARY_BASELINE\n"))), line: 32 },
      {
        title: "CANARY_PRIMARY before any canary",
        files: canaryApp("      - name: ANALYSIS\n" + analysisBody("              strategy: CANARY_PRIMARY\n") + "      - name: ECS_SYNC\n"),
        line: 26,
      },
    ],
  },
  check(ctx) {
    const src = ctx.app.source;
    for (const step of ctx.steps) {
      const w = step.stage.with;
      if (w.stage !== "ANALYSIS") continue;
      for (const m of w.metrics) {
        const strategyPath: DataPath = [...m.path, "strategy"];
        const path = src.has(strategyPath) ? strategyPath : m.path;
        if (m.strategy === "CANARY_BASELINE") {
          ctx.report({
            path,
            message: "CANARY_BASELINE needs a baseline variant, but ECS pipelines never have one (there is no baseline rollout stage for ECS), so the baseline query finds no data. Use strategy: CANARY_PRIMARY to compare the canary with the primary.",
            fix: path === strategyPath ? fix("Use CANARY_PRIMARY", replaceValue(src, strategyPath, "CANARY_PRIMARY")) : undefined,
          });
        } else if (m.strategy === "CANARY_PRIMARY" && !step.before.taskSets.canary) {
          const cleaned = ctx.steps.slice(0, ctx.steps.indexOf(step)).some((s) => s.stage.with.stage === "ECS_CANARY_CLEAN");
          ctx.report({
            path,
            message: `CANARY_PRIMARY compares the canary with the primary, but no canary task set exists when this ANALYSIS runs (${cleaned ? "ECS_CANARY_CLEAN already removed it" : "no ECS_CANARY_ROLLOUT runs before it"}). Move the ANALYSIS after ECS_CANARY_ROLLOUT${cleaned ? " and before ECS_CANARY_CLEAN" : ""}, or use strategy THRESHOLD with expected bounds.`,
          });
        }
      }
    }
  },
} satisfies LintRule;
