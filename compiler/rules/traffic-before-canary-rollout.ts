import type { LintRule } from "./rule.ts";
import { stageLabel } from "./helpers.ts";
import { canaryApp, GOOD_STAGES } from "./fixtures.ts";

const ROLLOUT = "      - name: ECS_CANARY_ROLLOUT\n        with:\n          scale: 30\n";
const ROUTE = "      - name: ECS_TRAFFIC_ROUTING\n        with:\n          canary: 20\n";

export default {
  id: "traffic-before-canary-rollout",
  severity: "error",
  phase: "lint",
  docs: "An ECS_TRAFFIC_ROUTING stage gives the canary a weight above 0 at a point of the pipeline where no canary task set exists (no ECS_CANARY_ROLLOUT ran yet, or ECS_CANARY_CLEAN already removed it). The listener then forwards that share of requests to the canary target group, which has no registered targets, and the ALB answers them with 503. Decided from the pipeline simulation, not from stage names. Fix: run ECS_CANARY_ROLLOUT before routing traffic to the canary.",
  examples: {
    valid: [
      { title: "rollout, then traffic", files: canaryApp() },
      { title: "routing back to primary after clean is fine", files: canaryApp(GOOD_STAGES + "      - name: ECS_TRAFFIC_ROUTING\n        with:\n          primary: 100\n") },
    ],
    invalid: [
      { title: "traffic before the canary exists", files: canaryApp(GOOD_STAGES.replace(ROLLOUT + ROUTE, ROUTE + ROLLOUT)), line: 21 },
      {
        title: "traffic to the canary after it was cleaned",
        files: canaryApp(GOOD_STAGES + "      - name: ECS_TRAFFIC_ROUTING\n        with:\n          canary: 10\n"),
        line: 35,
      },
    ],
  },
  check(ctx) {
    ctx.steps.forEach((step, i) => {
      const w = step.stage.with;
      if (w.stage !== "ECS_TRAFFIC_ROUTING" || !step.after.weights) return;
      const canary = step.after.weights.canary;
      if (canary <= 0 || step.before.taskSets.canary) return;
      const cleanedAt = ctx.steps.slice(0, i).findLast((s) => s.stage.with.stage === "ECS_CANARY_CLEAN");
      const laterRollout = ctx.steps.slice(i + 1).find((s) => s.stage.with.stage === "ECS_CANARY_ROLLOUT");
      const why = cleanedAt
        ? `the canary task set was deleted by ECS_CANARY_CLEAN (${stageLabel(cleanedAt.stage)})`
        : "no ECS_CANARY_ROLLOUT runs before this stage";
      const how = laterRollout
        ? `Move ${stageLabel(laterRollout.stage)} before this stage.`
        : cleanedAt
          ? `Route all traffic to the primary here (primary: 100) or move this stage before ECS_CANARY_CLEAN.`
          : "Add an ECS_CANARY_ROLLOUT stage before this one.";
      const withPath = [...step.stage.path, "with"];
      const path = w.given.canary !== undefined ? [...withPath, "canary"] : w.given.primary !== undefined ? [...withPath, "primary"] : [...step.stage.path, "name"];
      ctx.report({
        path,
        message: `This ECS_TRAFFIC_ROUTING sends ${canary}% of requests to the canary target group, but ${why}: the target group has no tasks and those requests fail with 503. ${how}`,
      });
    });
  },
} satisfies LintRule;
