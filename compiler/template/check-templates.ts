// The template phase: checks every templated field of every ANALYSIS stage (syntax, legacy
// `{{ }}` form, unknown variables, each with the exact column inside the string) and expands
// it for the variants that stage judges.
import type { Diagnostic, SourceRange } from "../diagnostics.ts";
import type { AnalysisMetric, ResolvedApp, Stage, VariantName } from "../model.ts";
import type { DataPath, SourceFile } from "../source/source-file.ts";
import type { PipelineState } from "../pipeline/state-model.ts";
import { scanTemplate, shownExpr, type TemplateExpr } from "./scan.ts";
import { lookup, templateContext, TEMPLATE_VARIABLES, type TemplateContext } from "./variables.ts";
import { expand } from "./expand.ts";
import { closest } from "../text/closest.ts";

/** Variants a metric's queries are expanded for (see DESIGN.md: which variant is judged). */
export function variantsFor(strategy: AnalysisMetric["strategy"], before: PipelineState): [VariantName, ...VariantName[]] {
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

/**
 * Ranges of expressions inside the scalar at `field.path`, for expressions given in increasing
 * `start` order. The scalar's source text differs from its value only by adding characters
 * (quotes, escapes, folded lines' indentation), so an expression at value offset `start` is at
 * or after `start` plus the shift found for the one before it: each search starts there, and
 * the whole field costs one pass over its source, however many expressions it has.
 */
function scalarLocator(field: Field): (expr: { start: number; text: string }) => SourceRange {
  const span = field.file.valueSpan(field.path);
  const raw = span ? field.file.text.slice(span.start, span.end) : null;
  let shift = 0;
  return (expr) => {
    const at = raw === null ? -1 : raw.indexOf(expr.text, expr.start + shift);
    if (at < 0 || !span) return field.file.rangeOf(field.path);
    shift = at - expr.start;
    const s = field.file.position(span.start + at);
    const e = field.file.position(span.start + at + expr.text.length);
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  };
}

function unknownVariableMessage(expr: TemplateExpr, ctx: TemplateContext, variant: VariantName, metric: AnalysisMetric | null): string {
  const shown = shownExpr("." + expr.path.join("."));
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
  const locate = scalarLocator(field);
  const push = (code: string, severity: Diagnostic["severity"], range: SourceRange, message: string, fixText?: string) => {
    out.push({
      file: field.file.path,
      ...range,
      severity,
      code,
      message,
      fix: fixText === undefined ? undefined : { title: `Rewrite as ${fixText}`, edits: [{ range, newText: fixText }] },
    });
  };
  // Problems and expressions in the order they appear, as the locator needs.
  const items = [...problems.map((p) => ({ problem: p, start: p.start })), ...exprs.map((e) => ({ expr: e, start: e.start }))].sort((a, b) => a.start - b.start);
  let ok = problems.length === 0;
  for (const item of items) {
    if ("problem" in item) {
      const p = item.problem;
      push("template-syntax", "error", locate({ start: p.start, text: field.text.slice(p.start, p.end) }), p.message);
      continue;
    }
    const e = item.expr;
    const range = locate(e);
    if (e.legacy) {
      const rewrite = `<< .${e.path.join(".")} >>`;
      push("template-legacy-syntax", "warning", range, `PipeCD's "${shownExpr(e.text)}" form is accepted but collides with the braces of Datadog and PromQL queries: write ${rewrite} instead.`, rewrite);
    }
    for (const v of variants) {
      const ctx = templateContext(app, metric, v);
      const value = lookup(ctx, e.path);
      if (value === undefined || (typeof value === "object" && value !== null)) {
        push("template-unknown-variable", "error", range, unknownVariableMessage(e, ctx, v, metric));
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
        const path = [...base, "headers", j, "value"];
        const field = checkField(app, { text: hd.value, file, path }, null, judged, diagnostics);
        expanded.set(expansionKey(stage.index, "https", i, `header.${j}`), field);
        // The schema keeps CR, LF and NUL out of the value as written; a variable (a label, an
        // app arg) could still bring one in, and fetch would refuse the request mid-deployment.
        const bad = Object.entries(field.byVariant).find(([, v]) => /[\r\n\u0000]/.test(v ?? ""));
        if (bad) {
          diagnostics.push({
            file: file.path,
            ...file.rangeOf(path),
            severity: "error",
            code: "schema",
            message: `This header value expands to a text with a line break (CR, LF) or a NUL byte for the ${bad[0]} variant: a variable it uses holds one. The check's request would be refused at run time; use variables without line breaks here.`,
          });
        }
      });
    });
    w.logs.forEach((l, i) => {
      const file = l.templateFile ?? app.source;
      expanded.set(expansionKey(stage.index, "logs", i, "query"), checkField(app, { text: l.query, file, path: [...l.path, "query"] }, null, judged, diagnostics));
    });
  }
  return { diagnostics, expanded };
}
