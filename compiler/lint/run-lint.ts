// Runs every lint rule against the resolved app and its simulated pipeline.
import type { Diagnostic } from "../diagnostics.ts";
import type { ResolvedApp } from "../model.ts";
import type { RuntimeConfig } from "../runtime-config.ts";
import type { LintContext, LintRule } from "../rules/rule.ts";
import { simulate } from "./simulate.ts";

export function runLint(app: ResolvedApp, config: RuntimeConfig | null, rules: readonly LintRule[], sim = simulate(app)): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of rules) {
    const ctx: LintContext = {
      app,
      steps: sim.steps,
      initial: sim.initial,
      final: sim.final,
      config,
      report(o) {
        const file = o.file ?? app.source;
        out.push({
          file: file.path,
          ...file.rangeOf(o.path, o.which),
          severity: o.severity ?? rule.severity,
          code: rule.id,
          message: o.message,
          fix: o.fix,
        });
      },
    };
    try {
      rule.check(ctx);
    } catch (e) {
      // A rule bug must never take the compiler down with it; say so instead.
      out.push({
        file: app.source.path,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 2,
        severity: "warning",
        code: "internal-error",
        message: `Rule ${rule.id} failed on this file (${(e as Error).message}). Please report this bug; other checks still ran.`,
      });
    }
  }
  return out;
}
