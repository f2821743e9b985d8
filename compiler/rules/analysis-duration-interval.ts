import type { LintRule } from "./rule.ts";
import type { DataPath } from "../source/source-file.ts";
import { formatDuration } from "../resolve/duration.ts";
import { analysisBody, canaryApp, stagesWith } from "./fixtures.ts";

const EXPECTED = "              expected:\n                max: 0.01\n";

export default {
  id: "analysis-duration-interval",
  severity: "error",
  phase: "lint",
  scope: "stage",
  docs: "An ANALYSIS stage runs for `duration`; each metric, http and log check takes its first sample after `delay + interval` and then every `interval`. If `interval` is not above 0, or `delay + interval` is longer than the stage's `duration`, no sample is ever taken and the analysis passes without having looked at anything; a `duration` of 0 means the stage ends at once. On ECS this is easy to hit when `delay` is raised to wait for late ALB metrics. Fix: make `duration` at least `delay + interval` (ideally several intervals), or shorten `interval` / `delay`.",
  examples: {
    valid: [{ title: "10m analysis, 1m interval", files: canaryApp(stagesWith("ANALYSIS", analysisBody(EXPECTED))) }],
    invalid: [
      {
        title: "delay + interval longer than duration",
        files: canaryApp(stagesWith("ANALYSIS", analysisBody("              delay: 30s\n" + EXPECTED, { duration: "1m" }))),
        line: 31,
      },
      { title: "zero interval", files: canaryApp(stagesWith("ANALYSIS", analysisBody(EXPECTED, { interval: "0s" }))), line: 31 },
    ],
  },
  check(ctx) {
    const src = ctx.app.source;
    const at = (entry: DataPath, key: string): DataPath => (src.has([...entry, key]) ? [...entry, key] : entry);
    for (const s of ctx.app.stages) {
      const w = s.with;
      if (w.stage !== "ANALYSIS") continue;
      const durationPath = [...s.path, "with", "duration"];
      if (w.durationMs <= 0) {
        ctx.report({
          path: src.has(durationPath) ? durationPath : [...s.path, "name"],
          message: `The ANALYSIS stage has ${src.has(durationPath) ? "a duration of 0" : "no duration"}, so it ends before any check runs. Set \`duration\` to how long to watch the canary, e.g. duration: 10m.`,
        });
        continue;
      }
      const entries = [
        ...w.metrics.map((m) => ({ kind: "metric", e: m })),
        ...w.http.map((h) => ({ kind: "http check", e: h })),
        ...w.logs.map((l) => ({ kind: "log check", e: l })),
      ];
      for (const { kind, e } of entries) {
        const path = at(e.path, "interval");
        if (e.intervalMs <= 0) {
          ctx.report({ path, message: `The ${kind}'s interval is ${formatDuration(e.intervalMs)}: it must be above 0. Use e.g. interval: 1m (ALB metrics are per minute).` });
          continue;
        }
        const first = e.delayMs + e.intervalMs;
        if (first > w.durationMs) {
          ctx.report({
            path,
            message: `The ${kind}'s first sample is due after delay ${formatDuration(e.delayMs)} + interval ${formatDuration(e.intervalMs)} = ${formatDuration(first)}, but the stage's duration is ${formatDuration(w.durationMs)}: no sample is ever taken. Set the stage duration to at least ${formatDuration(first)} (better: several intervals), or shorten interval/delay.`,
          });
        }
      }
    }
  },
} satisfies LintRule;
