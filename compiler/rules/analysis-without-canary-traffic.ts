import type { LintRule } from "./rule.ts";
import { analysisBody, canaryApp, stagesWith } from "./fixtures.ts";

const EXPECTED = "              expected:\n                max: 0.01\n";

export default {
  id: "analysis-without-canary-traffic",
  severity: "warning",
  phase: "lint",
  docs: "An ANALYSIS stage judges the canary (THRESHOLD or PREVIOUS while a canary task set exists, or CANARY_PRIMARY / CANARY_BASELINE) while the listener sends 0% of requests to the canary target group. Metrics taken from the load balancer (ALB request counts, 5xx, latency per target group) are then empty for the canary, so the analysis judges nothing (or fails with no data). Decided from the pipeline simulation (ELB access only; with service discovery, traffic follows task counts). Fix: put an ECS_TRAFFIC_ROUTING stage that gives the canary a share (e.g. `canary: 20`) before the ANALYSIS.",
  examples: {
    valid: [{ title: "canary has 20% during the analysis", files: canaryApp(stagesWith("ANALYSIS", analysisBody(EXPECTED))) }],
    invalid: [
      {
        title: "analysis right after the canary rollout",
        files: canaryApp(
          "      - name: ECS_CANARY_ROLLOUT\n        with:\n          scale: 30\n      - name: ANALYSIS\n" +
            analysisBody(EXPECTED) +
            "      - name: ECS_PRIMARY_ROLLOUT\n      - name: ECS_CANARY_CLEAN\n",
        ),
        line: 22,
      },
    ],
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const w = step.stage.with;
      if (w.stage !== "ANALYSIS" || !step.before.weights) continue;
      const canaryExists = step.before.taskSets.canary !== null;
      // Without a canary task set, CANARY_* strategies are reported by baseline-variant-missing.
      if (!canaryExists || step.before.weights.canary > 0) continue;
      // With a canary task set, every strategy judges it (THRESHOLD/PREVIOUS judge the variant
      // running the new version); http and log checks do not depend on ALB metrics.
      if (w.metrics.length === 0) continue;
      const strategies = [...new Set(w.metrics.map((m) => m.strategy))].join(", ");
      ctx.report({
        path: [...step.stage.path, "name"],
        message: `This ANALYSIS judges the canary (${strategies}) but the canary target group receives 0% of the traffic at this point, so its load-balancer metrics are empty. Add an ECS_TRAFFIC_ROUTING stage with e.g. \`canary: 20\` before this stage.`,
      });
    }
  },
} satisfies LintRule;
