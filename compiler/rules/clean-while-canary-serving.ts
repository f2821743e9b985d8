import type { LintRule } from "./rule.ts";
import type { Stage } from "../model.ts";
import { canaryApp, GOOD_STAGES } from "./fixtures.ts";
import { fix, insertStageBefore, stageLabel } from "./helpers.ts";

const BACK_TO_PRIMARY = "      - name: ECS_TRAFFIC_ROUTING\n        with:\n          primary: 100\n";

export default {
  id: "clean-while-canary-serving",
  severity: "error",
  phase: "lint",
  docs: "ECS_CANARY_CLEAN deletes the canary task set while the listener still forwards part of the traffic to the canary target group (its weight is above 0). Until the weights change, those requests reach a target group whose targets are draining or gone, and the ALB answers them with 503. Decided from the pipeline simulation (the listener weights in effect when the clean runs). Fix: add `ECS_TRAFFIC_ROUTING` with `primary: 100` before ECS_CANARY_CLEAN (the quick fix inserts it).",
  examples: {
    valid: [{ title: "traffic back to primary before the clean", files: canaryApp() }],
    invalid: [{ title: "clean while the canary has 20%", files: canaryApp(GOOD_STAGES.replace(BACK_TO_PRIMARY, "")), line: 29 }],
  },
  check(ctx) {
    let lastRouting: Stage | null = null;
    for (const step of ctx.steps) {
      const w = step.stage.with;
      if (w.stage === "ECS_TRAFFIC_ROUTING") lastRouting = step.stage;
      if (w.stage !== "ECS_CANARY_CLEAN") continue;
      const canary = step.before.weights?.canary ?? 0;
      if (canary <= 0) continue;
      ctx.report({
        path: [...step.stage.path, "name"],
        message: `ECS_CANARY_CLEAN deletes the canary task set while the listener still sends ${canary}% of requests to it${lastRouting ? ` (set by ${stageLabel(lastRouting)})` : ""}; those requests would fail with 503. Add an ECS_TRAFFIC_ROUTING stage with \`primary: 100\` before this stage.`,
        fix: fix("Route all traffic to primary before cleaning the canary", insertStageBefore(ctx.app.source, step.stage.path, "- name: ECS_TRAFFIC_ROUTING\n  with:\n    primary: 100\n")),
      });
    }
  },
} satisfies LintRule;
