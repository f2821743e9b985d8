import type { LintRule } from "./rule.ts";
import { analysisBody, canaryApp, stagesWith } from "./fixtures.ts";

const EXPECTED = `              expected:
                max: 5
`;
const LOGS = `          logs:
            - provider: stackdriver
              query: "severity>=ERROR"
              interval: 1m
`;

export default {
  id: "analysis-logs-unsupported",
  severity: "error",
  phase: "lint",
  docs: "An ANALYSIS stage's `logs` checks are not supported for ECS: PipeCD only implements log analysis with Stackdriver (a Google Cloud provider), and Kanaria has no log provider, so the stage would fail when it starts, in the middle of the deployment with the canary already serving. Fix: judge the canary with `metrics` (Datadog, Prometheus) or `https` checks instead, and remove the `logs` entries.",
  examples: {
    valid: [{ title: "metrics only", files: canaryApp(stagesWith("ANALYSIS", analysisBody(EXPECTED))) }],
    invalid: [{ title: "a log check", files: canaryApp(stagesWith("ANALYSIS", analysisBody(EXPECTED + LOGS))), line: 35 }],
  },
  check(ctx) {
    for (const s of ctx.app.stages) {
      if (s.with.stage !== "ANALYSIS") continue;
      for (const l of s.with.logs) {
        ctx.report({
          path: [...l.path, "provider"],
          message: `Log analysis (provider "${l.provider}") is not supported for ECS: PipeCD runs it only with Stackdriver, and Kanaria has no log provider, so this stage would fail mid-deployment. Use metrics or https checks instead, and remove this logs entry.`,
        });
      }
    }
  },
} satisfies LintRule;
