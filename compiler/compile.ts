// compile(): app.pipecd.yaml (+ the files it names) -> execution graph + diagnostics.
// Pure: every file comes through the injected reader, so the CLI, the LSP (open buffers) and
// the tests all run exactly this code.
import { isError, sortDiagnostics, type Diagnostic } from "./diagnostics.ts";
import { parseSource, type SourceFile } from "./source/source-file.ts";
import type { SourceParser } from "./source/source-parser.ts";
import { stripAbsent } from "./resolve/strip.ts";
import { validate, type SchemaName } from "./validate/validators.ts";
import { resolveApp, type AnalysisTemplates } from "./resolve/resolve-app.ts";
import { simulate } from "./lint/simulate.ts";
import { runLint } from "./lint/run-lint.ts";
import { applySuppressions } from "./lint/suppressions.ts";
import { checkTemplates } from "./template/check-templates.ts";
import { buildGraph } from "./graph/build-graph.ts";
import { LINT_RULES } from "./rules/index.ts";
import { ancestors, dirname, joinPath } from "./paths.ts";
import type { LoadedFile, ResolvedApp } from "./model.ts";
import type { RuntimeConfig } from "./runtime-config.ts";
import type { ExecutionGraph } from "./validate/generated/types/graph.ts";

export type FileReader = (path: string) => string | null;

export interface CompileInput {
  /** Path of the app file; referenced files are resolved relative to its folder. */
  appPath: string;
  readFile: FileReader;
  /** Parsed runtime config, when known (enables `unknown-provider`). */
  config?: RuntimeConfig | null;
  /** Rule ids to skip entirely (e.g. from a CLI flag). */
  disabledRules?: ReadonlySet<string>;
  /** false: diagnostics only, no graph (the LSP never deploys; building it is wasted work). */
  graph?: boolean;
  /** How files are parsed; the LSP passes a caching parser (same result, see source-parser.ts). */
  parse?: SourceParser;
}

export interface CompileResult {
  graph: ExecutionGraph | null;
  diagnostics: Diagnostic[];
  /** The resolved app when the app file got past schema validation (used by the LSP, plan). */
  app: ResolvedApp | null;
  /** Every file read, by path (the LSP uses it to know which apps depend on which files). */
  files: Map<string, SourceFile>;
}

const ANALYSIS_TEMPLATE = ".pipe/analysis-template.yaml";

function notFound(source: SourceFile, path: (string | number)[], ref: string, what: string): Diagnostic {
  return {
    file: source.path,
    ...source.rangeOf(path),
    severity: "error",
    code: "file-not-found",
    message: `Cannot read ${what} "${ref}" (looked for it relative to ${dirname(source.path)}/). Check the path, or add the file.`,
  };
}

export function compile(input: CompileInput): CompileResult {
  const files = new Map<string, SourceFile>();
  const diagnostics: Diagnostic[] = [];
  const finish = (app: ResolvedApp | null, graph: ExecutionGraph | null): CompileResult => {
    const texts = new Map([...files].map(([p, f]) => [p, f.text]));
    let ds = applySuppressions(diagnostics, texts);
    if (input.disabledRules?.size) ds = ds.filter((d) => !input.disabledRules!.has(d.code));
    return { graph: ds.some(isError) ? null : graph, diagnostics: sortDiagnostics(ds), app, files };
  };

  const text = input.readFile(input.appPath);
  if (text === null) {
    diagnostics.push({ file: input.appPath, line: 1, column: 1, endLine: 1, endColumn: 1, severity: "error", code: "file-not-found", message: `Cannot read ${input.appPath}. Check the path.` });
    return finish(null, null);
  }
  const parse = input.parse ?? parseSource;
  const source = parse(input.appPath, text);
  files.set(source.path, source);
  diagnostics.push(...source.diagnostics);
  if (source.diagnostics.some(isError)) return finish(null, null);

  const value = stripAbsent(source.value, false) as Record<string, any>;
  const schemaErrors = validate("app", source, value);
  diagnostics.push(...schemaErrors);
  if (schemaErrors.length) return finish(null, null);

  const dir = dirname(input.appPath);
  const load = (ref: string | undefined, refPath: (string | number)[], schema: SchemaName, what: string): LoadedFile | null => {
    if (!ref) return null;
    const path = joinPath(dir, ref);
    const t = input.readFile(path);
    if (t === null) {
      diagnostics.push(notFound(source, refPath, ref, what));
      return null;
    }
    const f = parse(path, t);
    files.set(path, f);
    diagnostics.push(...f.diagnostics);
    if (f.diagnostics.some(isError) || f.value === null || typeof f.value !== "object") return null;
    const v = stripAbsent(f.value, true) as Record<string, unknown>;
    diagnostics.push(...validate(schema, f, v));
    return { ref, source: f, value: v };
  };
  const inputSpec = value.spec?.input ?? {};
  const service = load(inputSpec.serviceDefinitionFile, ["spec", "input", "serviceDefinitionFile"], "service", "service definition");
  const taskDefinition = load(inputSpec.taskDefinitionFile, ["spec", "input", "taskDefinitionFile"], "taskDefinition", "task definition");

  const analysisTemplates = loadAnalysisTemplates(value, dir, input.readFile, parse, files, diagnostics, source);

  const app = resolveApp({ source, value, service, taskDefinition, analysisTemplates });
  const sim = simulate(app);
  const beforeByIndex = new Map(sim.steps.map((s) => [s.stage.index, s.before]));
  const templates = checkTemplates(app, (stage) => beforeByIndex.get(stage.index) ?? sim.initial);
  diagnostics.push(...templates.diagnostics);
  diagnostics.push(...runLint(app, input.config ?? null, LINT_RULES, sim));
  if (diagnostics.some(isError) || input.graph === false) return finish(app, null);
  return finish(app, buildGraph(app, sim.steps, sim.initial, templates));
}

/** PipeCD keeps analysis templates in `.pipe/analysis-template.yaml` at the repository root. */
function loadAnalysisTemplates(
  value: Record<string, any>,
  dir: string,
  readFile: FileReader,
  parse: SourceParser,
  files: Map<string, SourceFile>,
  diagnostics: Diagnostic[],
  app: SourceFile,
): AnalysisTemplates | null {
  const stages: any[] = value.spec?.pipeline?.stages ?? [];
  const refs: { path: (string | number)[] }[] = [];
  stages.forEach((s, i) => {
    for (const section of ["metrics", "logs", "https"] as const) {
      (s.with?.[section] ?? []).forEach((m: any, j: number) => {
        if (m.template) refs.push({ path: ["spec", "pipeline", "stages", i, "with", section, j, "template", "name"] });
      });
    }
  });
  if (refs.length === 0) return null;
  for (const d of ancestors(dir)) {
    const path = joinPath(d, ANALYSIS_TEMPLATE);
    const t = readFile(path);
    if (t === null) continue;
    const f = parse(path, t);
    files.set(path, f);
    diagnostics.push(...f.diagnostics);
    if (f.diagnostics.some(isError)) return null;
    const v = stripAbsent(f.value, false) as Record<string, any>;
    const errs = validate("analysisTemplate", f, v);
    diagnostics.push(...errs);
    if (errs.length) return null;
    const tpl = { source: f, value: v };
    for (const r of refs) {
      const name = r.path.reduce<any>((o, k) => o?.[k], value);
      const section = r.path[5] as "metrics" | "logs" | "https";
      if (!v.spec?.[section]?.[name]) {
        const known = Object.keys(v.spec?.[section] ?? {});
        diagnostics.push({
          file: app.path,
          ...app.rangeOf(r.path),
          severity: "error",
          code: "file-not-found",
          message: `No ${section} template named "${name}" in ${path}.${known.length ? ` Known: ${known.join(", ")}.` : ""}`,
        });
      }
    }
    return tpl;
  }
  diagnostics.push(notFound(app, refs[0].path.slice(0, -1), ANALYSIS_TEMPLATE, "analysis template file"));
  return null;
}
