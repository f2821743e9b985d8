// Runs every lint rule against the resolved app and its simulated pipeline.
import type { Diagnostic } from "../diagnostics.ts";
import type { ResolvedApp } from "../model.ts";
import type { RuntimeConfig } from "../runtime-config.ts";
import type { LintContext, LintRule } from "../rules/rule.ts";
import { tracePipeline } from "../pipeline/state-model.ts";
import { BrokenPart, guardedView, type BrokenParts } from "./broken-parts.ts";

/** `broken`: the parts of the app that failed the schema (see broken-parts.ts); rules skip what rests on them. */
export function runLint(app: ResolvedApp, config: RuntimeConfig | null, rules: readonly LintRule[], sim = tracePipeline(app), broken?: BrokenParts): Diagnostic[] {
  const out: Diagnostic[] = [];
  const plain = { app, steps: sim.steps, initial: sim.initial, final: sim.final };
  for (const rule of rules) {
    const view = broken ? guardedView(plain, broken, rule.scope ?? "app") : plain;
    const ctx: LintContext = {
      ...view,
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
      // The rule reached a part that failed the schema: what it reported before stands.
      if (e instanceof BrokenPart) continue;
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
