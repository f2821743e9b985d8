import type { LintRule } from "./rule.ts";
import type { DataPath } from "../source/source-file.ts";
import { canaryApp, GOOD_STAGES } from "./fixtures.ts";
import { stageLabel } from "./helpers.ts";
import { formatDuration } from "../resolve/duration.ts";

const TIMEOUT_1H = { extra: "  timeout: 1h\n" };
const waitFor = (duration: string) => GOOD_STAGES.replace("duration: 30s", `duration: ${duration}`);

export default {
  id: "stage-exceeds-deployment-timeout",
  severity: "warning",
  phase: "lint",
  docs: "A WAIT or ANALYSIS `duration`, a WAIT_APPROVAL or SCRIPT_RUN `timeout`, or a stage's own `timeout` is longer than the deployment's timeout (`spec.timeout`, default 6h), or the WAIT and ANALYSIS durations of the pipeline add up to more than it. The deployment timeout is enforced over the whole run (and keeps counting across restarts), so the deployment fails and rolls back while the stage is still waiting, however healthy the canary is; a stage timeout longer than it never takes effect. Fix: shorten the stage, or raise `spec.timeout` to cover the whole pipeline.",
  examples: {
    valid: [
      { title: "30s wait in a 1h deployment", files: canaryApp(GOOD_STAGES, TIMEOUT_1H) },
      { title: "5h wait with the default 6h timeout", files: canaryApp(waitFor("5h")) },
    ],
    invalid: [
      { title: "a 2h WAIT in a 1h deployment", files: canaryApp(waitFor("2h"), TIMEOUT_1H), line: 27 },
      { title: "a stage timeout longer than the deployment's", files: canaryApp(GOOD_STAGES.replace("          scale: 30\n", "          scale: 30\n        timeout: 8h\n")), line: 22 },
      {
        title: "waits that add up to more than the deployment timeout",
        files: canaryApp(waitFor("40m").replace("      - name: ECS_PRIMARY_ROLLOUT\n", "      - name: WAIT\n        with:\n          duration: 40m\n      - name: ECS_PRIMARY_ROLLOUT\n"), TIMEOUT_1H),
        line: 30,
      },
    ],
  },
  check(ctx) {
    const src = ctx.app.source;
    const limit = ctx.app.timeoutMs;
    if (!(limit > 0)) return;
    const given = src.has(["spec", "timeout"]);
    const deployment = `the deployment's timeout ${formatDuration(limit)} (${given ? "spec.timeout" : "the default; set spec.timeout to change it"})`;
    const fixHint = `Shorten it, or raise spec.timeout${given ? "" : " (e.g. `timeout: " + formatDuration(limit * 2) + "` under spec)"}.`;
    let total = 0;
    let totalReported = false;
    for (const s of ctx.app.stages) {
      const w = s.with;
      const own: Array<{ what: string; ms: number; path: DataPath }> = [];
      if ((w.stage === "WAIT" || w.stage === "ANALYSIS") && src.has([...s.path, "with", "duration"])) own.push({ what: `${w.stage} duration`, ms: w.durationMs, path: [...s.path, "with", "duration"] });
      if ((w.stage === "WAIT_APPROVAL" || w.stage === "SCRIPT_RUN") && src.has([...s.path, "with", "timeout"])) own.push({ what: `${w.stage} timeout`, ms: w.timeoutMs, path: [...s.path, "with", "timeout"] });
      // Only a timeout the user wrote: the defaults of WAIT and ANALYSIS add a margin to the duration.
      if (src.has([...s.path, "timeout"])) own.push({ what: "stage timeout", ms: s.timeoutMs, path: [...s.path, "timeout"] });
      let reported = false;
      for (const o of own) {
        if (o.ms <= limit) continue;
        reported = true;
        ctx.report({
          path: o.path,
          message: `The ${o.what} of ${stageLabel(s)} is ${formatDuration(o.ms)}, longer than ${deployment}: the deployment fails and rolls back before the stage can finish. ${fixHint}`,
        });
      }
      if (w.stage === "WAIT" || w.stage === "ANALYSIS") {
        total += w.durationMs;
        if (total > limit && !reported && !totalReported) {
          totalReported = true;
          ctx.report({
            path: src.has([...s.path, "with", "duration"]) ? [...s.path, "with", "duration"] : [...s.path, "name"],
            message: `By the end of ${stageLabel(s)} the pipeline's WAIT and ANALYSIS stages have waited ${formatDuration(total)} in all, longer than ${deployment}: the deployment always fails here, before counting the time the other stages take. ${fixHint}`,
          });
        }
      }
    }
  },
} satisfies LintRule;
