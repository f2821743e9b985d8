import type { LintRule } from "./rule.ts";
import { canaryApp, GOOD_STAGES } from "./fixtures.ts";
import { asObject, fix, replaceValue } from "./helpers.ts";

export default {
  id: "scale-range",
  severity: "error",
  phase: "lint",
  scope: "stage",
  docs: "ECS_CANARY_ROLLOUT's `scale` is the size of the canary task set as a percent of the service's desiredCount (ECS rounds computedDesiredCount up). It must be above 0 and at most 100: a scale of 0 creates a canary with no tasks, so anything routed to it fails and any analysis sees no data; ECS rejects a task-set scale above 100. Fix: give a percentage between 1 and 100, e.g. `scale: 30`.",
  examples: {
    valid: [
      { title: "30 percent", files: canaryApp() },
      { title: "percent string", files: canaryApp(GOOD_STAGES.replace("scale: 30", 'scale: "100%"')) },
    ],
    invalid: [
      { title: "zero", files: canaryApp(GOOD_STAGES.replace("scale: 30", "scale: 0")), line: 21 },
      { title: "over 100", files: canaryApp(GOOD_STAGES.replace("scale: 30", "scale: 150")), line: 21 },
    ],
  },
  check(ctx) {
    const desired = asObject(ctx.app.service?.value)?.desiredCount;
    for (const s of ctx.app.stages) {
      if (s.with.stage !== "ECS_CANARY_ROLLOUT") continue;
      const scale = s.with.scale;
      if (scale > 0 && scale <= 100) continue;
      const path = ctx.app.source.has([...s.path, "with", "scale"]) ? [...s.path, "with", "scale"] : [...s.path, "name"];
      const tasks = typeof desired === "number" ? ` (desiredCount ${desired} → ${Math.max(0, Math.ceil((scale * desired) / 100))} tasks)` : "";
      const message =
        scale <= 0
          ? `Canary scale ${scale}% creates a canary task set with no tasks${tasks}: nothing can serve or be analysed. Use a percent of desiredCount between 1 and 100, e.g. scale: 30.`
          : `Canary scale ${scale}% is above 100${tasks}: ECS rejects a task set scale above 100 percent of desiredCount. Use at most scale: 100 (a full-size canary, as in blue/green).`;
      ctx.report({ path, message, fix: scale > 100 && path.length > 4 ? fix("Set scale to 100", replaceValue(ctx.app.source, path, "100")) : undefined });
    }
  },
} satisfies LintRule;
