import type { LintRule } from "./rule.ts";
import { canaryApp, GOOD_STAGES } from "./fixtures.ts";
import { fix, insertStageAfter, insertStageBefore, stageLabel } from "./helpers.ts";

const BACK_TO_PRIMARY = "      - name: ECS_TRAFFIC_ROUTING\n        with:\n          primary: 100\n";

export default {
  id: "pipeline-ends-off-primary",
  severity: "error",
  phase: "lint",
  docs: "When the pipeline finishes, the listener weights (ELB access) still send part of the traffic to the canary target group: primary does not get 100%. The next deployment starts from that state, and if the canary task set has been cleaned those requests fail with 503. Decided from the pipeline simulation (the last weights an ECS_TRAFFIC_ROUTING wrote). Fix: end the pipeline with `ECS_TRAFFIC_ROUTING` / `primary: 100` (before ECS_CANARY_CLEAN); the quick fix inserts it.",
  examples: {
    valid: [{ title: "ends on primary", files: canaryApp() }],
    invalid: [
      { title: "half the traffic left on canary", files: canaryApp(GOOD_STAGES.replace("primary: 100", "primary: 50")), line: 31 },
      { title: "never routes back", files: canaryApp(GOOD_STAGES.replace(BACK_TO_PRIMARY, "")), line: 24 },
    ],
  },
  check(ctx) {
    const w = ctx.final.weights;
    if (!w || w.primary === 100) return;
    const last = ctx.steps.findLast((s) => s.stage.with.stage === "ECS_TRAFFIC_ROUTING");
    if (last?.stage.with.stage !== "ECS_TRAFFIC_ROUTING") return;
    const given = last.stage.with.given;
    const withPath = [...last.stage.path, "with"];
    const path = given.primary !== undefined ? [...withPath, "primary"] : given.canary !== undefined ? [...withPath, "canary"] : [...last.stage.path, "name"];
    const stages = ctx.app.stages;
    // Insert "back to primary" right after the last routing, or before a trailing clean.
    const clean = stages.slice(last.stage.index + 1).find((s) => s.name === "ECS_CANARY_CLEAN");
    const stageYaml = "- name: ECS_TRAFFIC_ROUTING\n  with:\n    primary: 100\n";
    const edit = clean ? insertStageBefore(ctx.app.source, clean.path, stageYaml) : insertStageAfter(ctx.app.source, stages[stages.length - 1].path, stageYaml);
    ctx.report({
      path,
      message: `The pipeline ends with the listener sending ${w.canary}% of requests to the canary and ${w.primary}% to the primary (last set by ${stageLabel(last.stage)}). Finish with an ECS_TRAFFIC_ROUTING stage with \`primary: 100\`${clean ? ` before ${stageLabel(clean)}` : ""}.`,
      fix: fix("Route all traffic back to primary", edit),
    });
  },
} satisfies LintRule;
