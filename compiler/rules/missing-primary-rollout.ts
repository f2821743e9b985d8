import type { LintRule } from "./rule.ts";
import { TASK_SET_STAGES, type Stage } from "../model.ts";
import { canaryApp, GOOD_STAGES } from "./fixtures.ts";
import { fix, insertStageAfter, insertStageBefore, stageLabel } from "./helpers.ts";

export default {
  id: "missing-primary-rollout",
  severity: "error",
  phase: "lint",
  docs: "The pipeline runs task-set stages (it rolls out a canary and/or shifts traffic) but never runs ECS_PRIMARY_ROLLOUT, so when it finishes the primary task set still runs the current version: the deployment is reported as successful while the new version was never shipped (and the canary, if cleaned, is gone). Decided from the pipeline simulation: the primary's version at the end is still the current one. Not reported for pipelines without task-set stages (only WAIT / SCRIPT_RUN...) or that use ECS_SYNC. Fix: add `- name: ECS_PRIMARY_ROLLOUT` once the canary has been verified, before traffic goes back to the primary and the canary is cleaned.",
  examples: {
    valid: [
      { title: "canary then primary rollout", files: canaryApp() },
      { title: "no task-set stages", files: canaryApp("      - name: WAIT\n        with:\n          duration: 30s\n") },
    ],
    invalid: [{ title: "canary only", files: canaryApp(GOOD_STAGES.replace("      - name: ECS_PRIMARY_ROLLOUT\n", "")), line: 19 }],
  },
  check(ctx) {
    const stages = ctx.app.stages;
    if (!stages.some((s) => TASK_SET_STAGES.has(s.name)) || stages.some((s) => s.name === "ECS_SYNC")) return;
    if (ctx.final.taskSets.primary?.version === "new") return;
    const rollout = stages.find((s) => s.name === "ECS_CANARY_ROLLOUT");
    const at = rollout ?? stages.find((s) => TASK_SET_STAGES.has(s.name))!;
    // Where the primary rollout belongs: before the trailing "traffic back to primary / clean" stages.
    let tail: Stage | undefined;
    for (let i = stages.length - 1; i >= 0; i--) {
      const w = stages[i].with;
      const back = (w.stage === "ECS_TRAFFIC_ROUTING" && w.primary === 100) || w.stage === "ECS_CANARY_CLEAN";
      if (!back || (rollout && i <= rollout.index)) break;
      tail = stages[i];
    }
    const stageYaml = "- name: ECS_PRIMARY_ROLLOUT\n";
    const edit = tail ? insertStageBefore(ctx.app.source, tail.path, stageYaml) : insertStageAfter(ctx.app.source, stages[stages.length - 1].path, stageYaml);
    ctx.report({
      path: [...at.path, "name"],
      message: `${rollout ? "The pipeline rolls out a canary of the new version" : `The pipeline runs ${at.name}`} but never runs ECS_PRIMARY_ROLLOUT, so the primary still runs the current version when it finishes: the deployment succeeds without shipping anything. Add \`- name: ECS_PRIMARY_ROLLOUT\` ${tail ? `before ${stageLabel(tail)}` : "at the end of the pipeline"}.`,
      fix: fix("Add ECS_PRIMARY_ROLLOUT", edit),
    });
  },
} satisfies LintRule;
