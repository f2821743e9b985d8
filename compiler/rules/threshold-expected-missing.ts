import type { LintRule } from "./rule.ts";
import type { DataPath } from "../source/source-file.ts";
import { analysisBody, canaryApp, stagesWith } from "./fixtures.ts";

export default {
  id: "threshold-expected-missing",
  severity: "error",
  phase: "lint",
  scope: "stage",
  docs: "A THRESHOLD metric (the default strategy) compares each sample against `expected.min` and/or `expected.max`. Without either bound every sample passes, so the analysis can never fail and a broken canary is promoted; with `min` above `max` every sample fails. CANARY_PRIMARY, CANARY_BASELINE and PREVIOUS compare variants or deployments and do not need `expected`. Fix: add `expected: {max: ...}` (an error rate, a latency) or `expected: {min: ...}` (a success rate), with min ≤ max when both are given.",
  examples: {
    valid: [
      { title: "max given", files: canaryApp(stagesWith("ANALYSIS", analysisBody("              expected:\n                max: 0.01\n"))) },
      { title: "CANARY_PRIMARY needs no expected", files: canaryApp(stagesWith("ANALYSIS", analysisBody("              strategy: CANARY_PRIMARY\n"))) },
    ],
    invalid: [
      { title: "no expected", files: canaryApp(stagesWith("ANALYSIS", analysisBody())), line: 29 },
      { title: "min above max", files: canaryApp(stagesWith("ANALYSIS", analysisBody("              expected:\n                min: 0.5\n                max: 0.1\n"))), line: 33 },
    ],
  },
  check(ctx) {
    const src = ctx.app.source;
    for (const s of ctx.app.stages) {
      if (s.with.stage !== "ANALYSIS") continue;
      for (const m of s.with.metrics) {
        if (m.strategy !== "THRESHOLD") continue;
        const { min, max } = m.expected;
        const expectedPath: DataPath = [...m.path, "expected"];
        if (min === undefined && max === undefined) {
          ctx.report({
            path: src.has(expectedPath) ? expectedPath : m.path,
            message: `This THRESHOLD metric has no \`expected.min\` or \`expected.max\`, so every sample passes and the analysis can never fail. Add e.g. \`expected: {max: 0.01}\` for an error rate, or use strategy CANARY_PRIMARY to compare the canary with the primary.`,
          });
        } else if (min !== undefined && max !== undefined && min > max) {
          ctx.report({
            path: src.has([...expectedPath, "min"]) ? [...expectedPath, "min"] : m.path,
            message: `expected.min (${min}) is above expected.max (${max}): every sample fails. Swap them, or fix the bound that is wrong.`,
          });
        }
      }
    }
  },
} satisfies LintRule;
