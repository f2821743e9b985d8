// The template phase: checks every templated field of every ANALYSIS stage (syntax, legacy
// `{{ }}` form, unknown variables, each with the exact column inside the string) and expands
// it for the variants that stage judges.
import type { Diagnostic } from "../diagnostics.ts";
import type { AnalysisMetric, ResolvedApp, Stage, VariantName } from "../model.ts";
import type { DataPath, SourceFile } from "../source/source-file.ts";
import type { PipelineState } from "../lint/simulate.ts";
import { scanTemplate, type TemplateExpr } from "./scan.ts";
import { lookup, templateContext, TEMPLATE_VARIABLES, type TemplateContext } from "./variables.ts";
import { expand } from "./expand.ts";
import { closest } from "../text/closest.ts";

/** Variants a metric's queries are expanded for (see DESIGN.md: which variant is judged). */
export function variantsFor(strategy: AnalysisMetric["strategy"], before: PipelineState): VariantName[] {
  switch (strategy) {
    case "CANARY_PRIMARY":
      return ["canary", "primary"];
    case "CANARY_BASELINE":
      return ["canary", "baseline"];
    default:
      // THRESHOLD / PREVIOUS judge whichever variant runs the new version right now.
      return [before.taskSets.canary ? "canary" : "primary"];
  }
}

export interface ExpandedField {
  /** Expanded text per variant. */
  byVariant: Partial<Record<VariantName, string>>;
}

export interface TemplateResult {
  diagnostics: Diagnostic[];
  /** Expansions keyed by `${stageIndex}/${kind}/${itemIndex}/${field}`. */
  expanded: Map<string, ExpandedField>;
}

export const expansionKey = (stage: number, kind: "metrics" | "https" | "logs", item: number, field: string) => `${stage}/${kind}/${item}/${field}`;

interface Field {
  text: string;
  file: SourceFile;
  path: DataPath;
}

/** Range of the `index`-th occurrence of `needle` within the scalar at `path`. */
function rangeInScalar(field: Field, expr: { start: number; end: number; text: string }, occurrence: number) {
  const span = field.file.valueSpan(field.path);
  if (span) {
    const raw = field.file.text.slice(span.start, span.end);
    let at = -1;
    for (let k = 0; k <= occurrence; k++) {
      at = raw.indexOf(expr.text, at + 1);
      if (at < 0) break;
    }
    if (at >= 0) {
      const s = field.file.position(span.start + at);
      const e = field.file.position(span.start + at + expr.text.length);
      return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
    }
  }
  return field.file.rangeOf(field.path);
}

function unknownVariableMessage(expr: TemplateExpr, ctx: TemplateContext, variant: VariantName, metric: AnalysisMetric | null): string {
  const shown = "." + expr.path.join(".");
  const [root, second, third] = expr.path;
  if (root === "Variant" && (second === "Args") || root === "VariantCustomArgs") {
    const key = root === "VariantCustomArgs" ? second : third;
    return `${shown} is not defined for the ${variant} variant: add "${key}" under ${variant}Args of this metric${metric ? "" : " (only metrics have variant args)"}.`;
  }
  if (root === "AppCustomArgs") return `${shown} is not defined: add "${second}" under template.appArgs of this metric.`;
  if (root === "App" && second === "Labels") return `${shown} is not defined: the app has no label "${third}" (spec.labels).`;
  if (root === "Variant" && (second === "TargetGroup" || second === "TargetGroupArn"))
    return `${shown} is not defined for the ${variant} variant: it has no target group (set spec.input.targetGroups.${variant}).`;
  if (root === "Service") return `${shown} is not defined: the app has no service definition (spec.input.serviceDefinitionFile).`;
  const value = lookup(ctx, expr.path);
  if (value !== undefined && typeof value === "object") return `${shown} is a map, not a value: pick a key, e.g. ${shown}.<key>.`;
  const known = TEMPLATE_VARIABLES.map((v) => v.path);
  const guess = closest(shown, known.map((k) => k.replace(/\.<key>$/, "")));
  return `Unknown template variable ${shown}.${guess ? ` Did you mean ${guess}?` : ""} Known variables: ${known.join(", ")}.`;
}

function checkField(
  app: ResolvedApp,
  field: Field,
  metric: AnalysisMetric | null,
  variants: VariantName[],
  out: Diagnostic[],
): ExpandedField {
  const { exprs, problems } = scanTemplate(field.text);
  const result: ExpandedField = { byVariant: {} };
  const push = (code: string, severity: Diagnostic["severity"], expr: { start: number; end: number; text: string }, occ: number, message: string, fixText?: string) => {
    const range = rangeInScalar(field, expr, occ);
    out.push({
      file: field.file.path,
      ...range,
      severity,
      code,
      message,
      fix: fixText === undefined ? undefined : { title: `Rewrite as ${fixText}`, edits: [{ range, newText: fixText }] },
    });
  };
  const occurrences = new Map<string, number>();
  const occ = (text: string) => {
    const n = occurrences.get(text) ?? 0;
    occurrences.set(text, n + 1);
    return n;
  };
  for (const p of problems) push("template-syntax", "error", { ...p, text: field.text.slice(p.start, p.end) }, occ(field.text.slice(p.start, p.end)), p.message);
  let ok = problems.length === 0;
  for (const e of exprs) {
    const n = occ(e.text);
    if (e.legacy) {
      const rewrite = `<< .${e.path.join(".")} >>`;
      push("template-legacy-syntax", "warning", e, n, `PipeCD's "${e.text}" form is accepted but collides with the braces of Datadog and PromQL queries: write ${rewrite} instead.`, rewrite);
    }
    for (const v of variants) {
      const ctx = templateContext(app, metric, v);
      const value = lookup(ctx, e.path);
      if (value === undefined || (typeof value === "object" && value !== null)) {
        push("template-unknown-variable", "error", e, n, unknownVariableMessage(e, ctx, v, metric));
        ok = false;
        break;
      }
    }
  }
  if (ok) {
    for (const v of variants) result.byVariant[v] = expand(field.text, exprs, templateContext(app, metric, v));
  }
  return result;
}

export function checkTemplates(app: ResolvedApp, beforeStage: (stage: Stage) => PipelineState): TemplateResult {
  const diagnostics: Diagnostic[] = [];
  const expanded = new Map<string, ExpandedField>();
  for (const stage of app.stages) {
    const w = stage.with;
    if (w.stage !== "ANALYSIS") continue;
    const before = beforeStage(stage);
    const judged: VariantName[] = [before.taskSets.canary ? "canary" : "primary"];
    w.metrics.forEach((m, i) => {
      const file = m.templateFile ?? app.source;
      expanded.set(expansionKey(stage.index, "metrics", i, "query"), checkField(app, { text: m.query, file, path: m.queryPath }, m, variantsFor(m.strategy, before), diagnostics));
    });
    w.http.forEach((h, i) => {
      const file = h.templateFile ?? app.source;
      const base = h.templateFile ? ["spec", "https"] : h.path;
      expanded.set(expansionKey(stage.index, "https", i, "url"), checkField(app, { text: h.url, file, path: [...base, "url"] }, null, judged, diagnostics));
      h.headers.forEach((hd, j) => {
        expanded.set(
          expansionKey(stage.index, "https", i, `header.${j}`),
          checkField(app, { text: hd.value, file, path: [...base, "headers", j, "value"] }, null, judged, diagnostics),
        );
      });
    });
    w.logs.forEach((l, i) => {
      const file = l.templateFile ?? app.source;
      expanded.set(expansionKey(stage.index, "logs", i, "query"), checkField(app, { text: l.query, file, path: [...l.path, "query"] }, null, judged, diagnostics));
    });
  }
  return { diagnostics, expanded };
}
