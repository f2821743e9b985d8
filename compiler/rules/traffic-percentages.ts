import type { LintRule } from "./rule.ts";
import { canaryApp, GOOD_STAGES } from "./fixtures.ts";
import { fix, replaceValue } from "./helpers.ts";

export default {
  id: "traffic-percentages",
  severity: "error",
  phase: "lint",
  scope: "stage",
  docs: "An ECS_TRAFFIC_ROUTING stage must give a weight between 0 and 100 to `primary` and/or `canary`; when both are given they must add up to 100 (the listener's weighted forward is set from them, and PipeCD silently uses `primary` and drops `canary` when they disagree). Give one side only and Kanaria derives the other, as PipeCD does; with neither (a bare stage), primary gets 100%, PipeCD's default, and `kanaria plan` says so.",
  examples: {
    valid: [
      { title: "one side given", files: canaryApp() },
      { title: "percent strings that sum to 100", files: canaryApp(GOOD_STAGES.replace("canary: 20", 'canary: "20%"\n          primary: "80%"')) },
      { title: "neither side: primary 100% (PipeCD's default)", files: canaryApp(GOOD_STAGES.replace("        with:\n          canary: 20\n", "")) },
    ],
    invalid: [
      { title: "both sides, wrong sum", files: canaryApp(GOOD_STAGES.replace("canary: 20", "canary: 20\n          primary: 90")), line: 24 },
      { title: "over 100", files: canaryApp(GOOD_STAGES.replace("canary: 20", "canary: 120")), line: 24 },
    ],
  },
  check(ctx) {
    for (const s of ctx.app.stages) {
      if (s.with.stage !== "ECS_TRAFFIC_ROUTING") continue;
      const { primary, canary } = s.with.given;
      const withPath = [...s.path, "with"];
      for (const [side, v] of [["primary", primary], ["canary", canary]] as const) {
        if (v !== undefined && (v < 0 || v > 100)) {
          ctx.report({ path: [...withPath, side], message: `${side} weight ${v} is outside 0–100: use a percentage of the traffic, e.g. ${side}: 20.` });
        }
      }
      if (primary !== undefined && canary !== undefined && primary + canary !== 100 && primary >= 0 && canary >= 0 && primary <= 100 && canary <= 100) {
        ctx.report({
          path: [...withPath, "canary"],
          message: `primary (${primary}) and canary (${canary}) add up to ${primary + canary}, not 100. Give only one side (the other is derived), or make them sum to 100.`,
          // PipeCD goes by `primary` when the two disagree; the fix makes canary agree with it.
          fix: fix(`Set canary to ${100 - primary} (100 − primary)`, replaceValue(ctx.app.source, [...withPath, "canary"], String(100 - primary))),
        });
      }
    }
  },
} satisfies LintRule;
