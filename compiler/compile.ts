// compile(): app.pipecd.yaml (+ the files it names) -> execution graph + diagnostics.
// Pure: every file comes through the injected reader, so the CLI, the LSP (open buffers) and
// the tests all run exactly this code.
import { capDiagnostics, isError, sortDiagnostics, type Diagnostic } from "./diagnostics.ts";
import { parseSource, type SourceFile } from "./source/source-file.ts";
import type { SourceParser } from "./source/source-parser.ts";
import { stripAbsent } from "./resolve/strip.ts";
import { validate, validateWithPaths, type SchemaName } from "./validate/validators.ts";
import { resolveApp, type AnalysisTemplates } from "./resolve/resolve-app.ts";
import { tracePipeline } from "./pipeline/state-model.ts";
import { runLint } from "./lint/run-lint.ts";
import { BrokenPart, brokenParts, guardedView, repairValue, type BrokenParts } from "./lint/broken-parts.ts";
import { applySuppressions } from "./lint/suppressions.ts";
import { checkTemplates } from "./template/check-templates.ts";
import { buildGraph } from "./graph/build-graph.ts";
import { LINT_RULES } from "./rules/index.ts";
import { ancestors, ancestorsWithin, dirname, isWithin, joinPath, referencePath } from "./paths.ts";
import { documentShapeError } from "./validate/document-shape.ts";
import type { LoadedFile, ResolvedApp } from "./model.ts";
import type { RuntimeConfig } from "./runtime-config.ts";
import type { ExecutionGraph } from "./validate/generated/types/graph.ts";
import { notFound, outside } from "./resolve/file-diagnostics.ts";
import { resolveSecrets } from "./secrets/resolve-secrets.ts";
import type { AppV1File } from "./validate/generated/types/app-v1.ts";
import { isPipecdV1App, V1_PATH_MOVES, v1ToV0 } from "./resolve/pipecd-v1.ts";
import { remappedSource } from "./source/remapped-source.ts";

/** Why a file that exists was not read: said to the user in place of its content. */
export interface Unreadable {
  unreadable: string;
}

/**
 * A file's text, null when there is no such file, or why it was refused (not a regular file,
 * too large, ...). `within`: the folder the real file, symbolic links resolved, must lie in
 * (the repository root); readers with no file system behind them may ignore it.
 */
export type FileReader = (path: string, within?: string) => string | null | Unreadable;

export const isUnreadable = (r: string | null | Unreadable): r is Unreadable => r !== null && typeof r === "object";

export interface CompileInput {
  /** Path of the app file; referenced files are resolved relative to its folder. */
  appPath: string;
  readFile: FileReader;
  /**
   * The repository root, in the same form as appPath (absolute, or relative to the same folder):
   * referenced files outside it are refused, unread (`file-outside-repository`), and the search
   * for `.pipe/analysis-template.yaml` stops there. The CLI and the LSP always give one
   * (repositoryRoot() in cli/fs-reader.ts); without it nothing is refused.
   */
  root?: string;
  /** Parsed runtime config, when known (enables `unknown-provider`). */
  config?: RuntimeConfig | null;
  /** Rule ids to skip entirely (e.g. from a CLI flag). */
  disabledRules?: ReadonlySet<string>;
  /** false: diagnostics only, no graph (the LSP never deploys; building it is wasted work). */
  graph?: boolean;
  /** How files are parsed; the LSP passes a caching parser (same result, see source-parser.ts). */
  parse?: SourceParser;
  /** Emit a quick sync whatever the pipeline says (PipeCD's commitMatcher.quickSync matched the commit). */
  forceQuickSync?: boolean;
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

export function compile(input: CompileInput): CompileResult {
  const files = new Map<string, SourceFile>();
  const diagnostics: Diagnostic[] = [];
  const finish = (app: ResolvedApp | null, graph: ExecutionGraph | null): CompileResult => {
    const texts = new Map([...files].map(([p, f]) => [p, f.text]));
    let ds = applySuppressions(diagnostics, texts);
    if (input.disabledRules?.size) ds = ds.filter((d) => !input.disabledRules!.has(d.code));
    return { graph: ds.some(isError) ? null : graph, diagnostics: sortDiagnostics(capDiagnostics(sortDiagnostics(ds))), app, files };
  };

  const text = input.readFile(input.appPath);
  if (text === null || isUnreadable(text)) {
    const message = text === null ? `Cannot read ${input.appPath}. Check the path.` : `Cannot read ${text.unreadable}`;
    diagnostics.push({ file: input.appPath, line: 1, column: 1, endLine: 1, endColumn: 2, severity: "error", code: "file-not-found", message });
    return finish(null, null);
  }
  const parse = input.parse ?? parseSource;
  const source = parse(input.appPath, text);
  files.set(source.path, source);
  diagnostics.push(...source.diagnostics);
  if (source.diagnostics.some(isError)) return finish(null, null);
  const shape = documentShapeError(source, "app");
  if (shape) return (diagnostics.push(shape), finish(null, null));

  const written = stripAbsent(source.value, false) as Record<string, any>;
  const v1 = isPipecdV1App(written);
  const checked = validateWithPaths(v1 ? "appV1" : "app", source, written);
  diagnostics.push(...checked.diagnostics);
  // Schema errors stop the graph, not the checks: what passed the schema is still linted. The
  // broken parts are named in the v0 shape, so a v1 file with schema errors stops here.
  const broken: BrokenParts | undefined = checked.paths.length ? brokenParts(checked.paths) : undefined;
  if (broken && (broken.whole || v1)) return finish(null, null);
  const repaired = broken ? repairValue(written, broken) : written;
  // From here on a PipeCD v1 file is seen in the v0 shape, its positions still its own.
  const value: Record<string, any> = v1 ? v1ToV0(repaired as AppV1File) : repaired;
  const appSource = v1 ? remappedSource(source, V1_PATH_MOVES) : source;

  const dir = dirname(input.appPath);
  const load = (ref: string | undefined, refPath: (string | number)[], schema: SchemaName, what: string): LoadedFile | null => {
    if (!ref) return null;
    const path = referencePath(dir, ref);
    if (input.root !== undefined && !isWithin(path, input.root)) {
      diagnostics.push(outside(appSource, refPath, ref, what, input.root));
      return null;
    }
    const t = input.readFile(path, input.root);
    if (t === null || isUnreadable(t)) {
      diagnostics.push(notFound(appSource, refPath, ref, what, t ?? undefined));
      return null;
    }
    const f = parse(path, t);
    files.set(path, f);
    diagnostics.push(...f.diagnostics);
    if (f.diagnostics.some(isError)) return null;
    const shape = documentShapeError(f, schema);
    if (shape) return (diagnostics.push(shape), null);
    const v = stripAbsent(f.value, true) as Record<string, unknown>;
    diagnostics.push(...validate(schema, f, v));
    return { ref, source: f, value: v };
  };
  const inputSpec = value.spec?.input ?? {};
  const loadedService = load(inputSpec.serviceDefinitionFile, ["spec", "input", "serviceDefinitionFile"], "service", "service definition");
  const loadedTaskDefinition = load(inputSpec.taskDefinitionFile, ["spec", "input", "taskDefinitionFile"], "taskDefinition", "task definition");
  const secrets = resolveSecrets({ app: appSource, value, dir, root: input.root, readFile: input.readFile, parse, files, service: loadedService, taskDefinition: loadedTaskDefinition });
  diagnostics.push(...secrets.diagnostics);
  const { service, taskDefinition } = secrets;

  const analysisTemplates = loadAnalysisTemplates(value, dir, input.root, input.readFile, parse, files, diagnostics, appSource);

  const app = resolveApp({ source: appSource, value, service, taskDefinition, analysisTemplates });
  const sim = tracePipeline(app);
  const beforeByIndex = new Map(sim.steps.map((s) => [s.stage.index, s.before]));
  if (broken) {
    diagnostics.push(...brokenAppChecks(app, sim, broken, input.config ?? null, beforeByIndex));
    // The repaired app is not the user's app: nothing downstream (plan, hover) may use it.
    return finish(null, null);
  }
  const templates = checkTemplates(app, (stage) => beforeByIndex.get(stage.index) ?? sim.initial);
  diagnostics.push(...templates.diagnostics);
  diagnostics.push(...runLint(app, input.config ?? null, LINT_RULES, sim));
  if (diagnostics.some(isError) || input.graph === false) return finish(app, null);
  const built = input.forceQuickSync ? { ...app, stages: [] } : app;
  return finish(app, buildGraph(built, sim.steps, sim.initial, templates, secrets.secrets));
}

/** Template and lint checks of an app with schema errors, on the parts that passed the schema. */
function brokenAppChecks(
  app: ResolvedApp,
  sim: ReturnType<typeof tracePipeline>,
  broken: BrokenParts,
  config: RuntimeConfig | null,
  beforeByIndex: Map<number, ReturnType<typeof tracePipeline>["initial"]>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Templates are checked stage by stage on the intact stages; one that reads a broken part
  // (say the labels) drops the template findings.
  const view = guardedView({ app, ...sim }, broken, "stage");
  try {
    out.push(...checkTemplates(view.app, (stage) => beforeByIndex.get(stage.index) ?? sim.initial).diagnostics);
  } catch (e) {
    if (!(e instanceof BrokenPart)) throw e;
  }
  out.push(...runLint(app, config, LINT_RULES, sim, broken));
  return out;
}

/** PipeCD keeps analysis templates in `.pipe/analysis-template.yaml` at the repository root. */
function loadAnalysisTemplates(
  value: Record<string, any>,
  dir: string,
  root: string | undefined,
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
  // Looked for from the app's folder up to the repository root, never above it.
  for (const d of root === undefined ? ancestors(dir) : ancestorsWithin(dir, root)) {
    const path = joinPath(d, ANALYSIS_TEMPLATE);
    const t = readFile(path, root);
    if (t === null) continue;
    if (isUnreadable(t)) {
      diagnostics.push(notFound(app, refs[0].path.slice(0, -1), path, "analysis template file", t));
      return null;
    }
    const f = parse(path, t);
    files.set(path, f);
    diagnostics.push(...f.diagnostics);
    if (f.diagnostics.some(isError)) return null;
    const shape = documentShapeError(f, "analysisTemplate");
    if (shape) return (diagnostics.push(shape), null);
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
