// Template expressions (`<< .Variant.Name >>`) under the cursor, the analysis item a line
// belongs to, and what a variable expands to for each variant.
import type { AnalysisHttp, AnalysisLog, AnalysisMetric, ResolvedApp, VariantName } from "../compiler/model.ts";
import { tracePipeline } from "../compiler/pipeline/state-model.ts";
import { variantsFor } from "../compiler/template/check-templates.ts";
import { lookup, templateContext, TEMPLATE_VARIABLES } from "../compiler/template/variables.ts";

export interface ExprAt {
  /** Path without the leading dot. */
  path: string[];
  start: number;
  end: number;
  legacy: boolean;
}

const EXPR = /<<\s*(\.[A-Za-z0-9_.-]*)\s*>>|\{\{\s*(\.[A-Za-z0-9_.-]*)\s*\}\}/g;

/** The template expression that contains column `ch` of `line`, if any. */
export function exprAt(line: string, ch: number): ExprAt | null {
  for (const m of line.matchAll(EXPR)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (ch >= start && ch <= end) return { path: (m[1] ?? m[2]).slice(1).split(".").filter(Boolean), start, end, legacy: !m[1] };
  }
  return null;
}

/** The documented variable matching a concrete path (`.App.Labels.env` -> `.App.Labels.<key>`). */
export function variableDoc(path: string[]): { path: string; doc: string } | undefined {
  const shown = `.${path.join(".")}`;
  return TEMPLATE_VARIABLES.find((v) => v.path === shown) ?? TEMPLATE_VARIABLES.find((v) => v.path.endsWith(".<key>") && shown.startsWith(v.path.slice(0, -"<key>".length)) && shown.length > v.path.length - 5);
}

export interface AnalysisItemAt {
  stageIndex: number;
  kind: "metrics" | "logs" | "https";
  metric: AnalysisMetric | null;
  item: AnalysisMetric | AnalysisLog | AnalysisHttp;
  /** Variants this item's templates are expanded for. */
  variants: VariantName[];
}

/** The metric / log / http check whose source covers 1-based `line` of the app file. */
export function analysisItemAt(app: ResolvedApp, line: number): AnalysisItemAt | null {
  const sim = tracePipeline(app);
  for (const stage of app.stages) {
    if (stage.with.stage !== "ANALYSIS") continue;
    const sections = [
      ["metrics", stage.with.metrics],
      ["logs", stage.with.logs],
      ["https", stage.with.http],
    ] as const;
    for (const [kind, items] of sections) {
      for (const item of items) {
        if (item.templateFile) continue;
        const r = app.source.rangeOf(item.path);
        if (line < r.line || line > r.endLine) continue;
        const before = sim.steps.find((s) => s.stage.index === stage.index)?.before ?? sim.initial;
        const metric = kind === "metrics" ? (item as AnalysisMetric) : null;
        const variants: VariantName[] = metric ? variantsFor(metric.strategy, before) : [before.taskSets.canary ? "canary" : "primary"];
        return { stageIndex: stage.index, kind, metric, item, variants };
      }
    }
  }
  return null;
}

/** Value of `.path` for each variant (undefined where it is not defined). */
export function valuesByVariant(app: ResolvedApp, metric: AnalysisMetric | null, path: string[]): Record<VariantName, unknown> {
  const out = {} as Record<VariantName, unknown>;
  for (const v of ["primary", "canary", "baseline"] as const) out[v] = lookup(templateContext(app, metric, v), path);
  return out;
}
