import type { LintRule } from "./rule.ts";
import { canaryApp, GOOD_STAGES } from "./fixtures.ts";
import { fix, insertStageAfter, stageLabel } from "./helpers.ts";

export default {
  id: "canary-not-cleaned",
  severity: "warning",
  phase: "lint",
  docs: "The pipeline ends while a canary task set still exists: no ECS_CANARY_CLEAN runs after the last ECS_CANARY_ROLLOUT. The canary tasks keep running (and cost money), stay registered in the canary target group, and the next deployment starts with an unexpected task set. Decided from the pipeline simulation. Fix: end the pipeline with `- name: ECS_CANARY_CLEAN` (after traffic is back on the primary); the quick fix appends it.",
  examples: {
    valid: [{ title: "canary cleaned", files: canaryApp() }],
    invalid: [{ title: "no clean at the end", files: canaryApp(GOOD_STAGES.replace("      - name: ECS_CANARY_CLEAN\n", "")), line: 19 }],
  },
  check(ctx) {
    if (!ctx.final.taskSets.canary) return;
    const rollout = ctx.steps.findLast((s) => s.stage.with.stage === "ECS_CANARY_ROLLOUT");
    if (!rollout) return;
    const stages = ctx.app.stages;
    ctx.report({
      // Reported on the rollout that created the canary (what is missing would go at the end).
      path: [...rollout.stage.path, "name"],
      message: `The canary task set created by ${stageLabel(rollout.stage)} still exists when the pipeline ends: its tasks keep running (and cost money) and stay registered ${ctx.app.input.accessType === "ELB" ? "in the canary target group" : "in service discovery, still receiving requests"}. Add \`- name: ECS_CANARY_CLEAN\` at the end of the pipeline.`,
      fix: fix("Add ECS_CANARY_CLEAN at the end", insertStageAfter(ctx.app.source, stages[stages.length - 1].path, "- name: ECS_CANARY_CLEAN\n")),
    });
  },
} satisfies LintRule;
