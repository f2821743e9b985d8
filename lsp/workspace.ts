// The server's model of the workspace: open buffers, the open apps with their last compile and
// the files each one depends on, and the checks that run when any of those change.
import { compile, type CompileResult } from "../compiler/compile.ts";
import { repositoryRoot } from "../compiler/cli/fs-reader.ts";
import { capDiagnostics } from "../compiler/diagnostics.ts";
import type { Diagnostic } from "../compiler/diagnostics.ts";
import type { ResolvedApp } from "../compiler/model.ts";
import { applySuppressions } from "../compiler/lint/suppressions.ts";
import { dirname, referencePath } from "../compiler/paths.ts";
import { documentShapeError } from "../compiler/validate/document-shape.ts";
import { stripAbsent } from "../compiler/resolve/strip.ts";
import { isPipecdV1App } from "../compiler/resolve/pipecd-v1.ts";
import { loadRuntimeConfig } from "../compiler/runtime-config.ts";
import { createSourceParser } from "../compiler/source/source-parser.ts";
import { validate } from "../compiler/validate/validators.ts";
import type { PublishDiagnosticsParams } from "vscode-languageserver";
import { DocumentStore, pathToUri } from "./documents.ts";
import { isAppPath, kindFromContent } from "./file-kind.ts";
import { Publisher } from "./publisher.ts";
import { RuntimeConfigs } from "./runtime-config.ts";
import type { SchemaKind } from "./schema-lookup.ts";

export type DependencyKind = SchemaKind | "analysisTemplate";

export interface AppState {
  path: string;
  /** Version of the app buffer this result was computed from (undefined: read from disk). */
  version: number | undefined;
  result: CompileResult;
  /** Every file the result depends on (read or looked for), and what it is. */
  deps: Map<string, DependencyKind>;
  configPath: string | null;
  /** The newest resolved app, kept while the buffer is invalid (template values, labels). */
  lastApp: ResolvedApp | null;
}

const selfId = (path: string) => `self:${path}`;

export class Workspace {
  readonly docs = new DocumentStore();
  readonly configs = new RuntimeConfigs(this.docs.readFile);
  readonly apps = new Map<string, AppState>();
  readonly publisher: Publisher;
  /** Remembers what it parsed: typing in one stage re-parses that stage, not the whole file. */
  private readonly parse = createSourceParser();

  constructor(send: (params: PublishDiagnosticsParams) => void) {
    this.publisher = new Publisher(send, (p) => this.docs.byPath(p)?.version, pathToUri);
  }

  isApp(path: string): boolean {
    if (isAppPath(path)) return true;
    const doc = this.docs.byPath(path);
    return !!doc && kindFromContent(doc.getText()) === "app";
  }

  /** Which schema describes the file: by name, by an open app referencing it, else by content. */
  kindOf(path: string): SchemaKind | null {
    if (this.isApp(path)) return "app";
    for (const a of this.apps.values()) {
      const k = a.deps.get(path);
      if (k && k !== "analysisTemplate") return k;
    }
    const text = this.docs.readFile(path);
    return typeof text === "string" ? kindFromContent(text) : null;
  }

  /** Re-checks everything a change to `path` affects, and publishes the results. */
  changed(path: string): void {
    const open = !!this.docs.byPath(path);
    const app = open && this.isApp(path);
    if (app) this.checkApp(path);
    for (const a of [...this.apps.values()]) if (a.path !== path && a.deps.has(path)) this.checkApp(a.path);
    if (open && !app) this.checkSelf(path);
  }

  closed(path: string): void {
    if (this.apps.delete(path)) this.publisher.clear(path);
    this.publisher.clear(selfId(path));
    // Apps that read the buffer now read the file on disk instead.
    for (const a of [...this.apps.values()]) if (a.deps.has(path)) this.checkApp(a.path);
  }

  /** The app's compile for the current buffer contents (re-run when a change was coalesced). */
  appState(path: string): AppState | undefined {
    const state = this.apps.get(path);
    if (!state) return this.docs.byPath(path) && this.isApp(path) ? this.checkApp(path) : undefined;
    if (state.version !== this.docs.byPath(path)?.version) return this.checkApp(path);
    return state;
  }

  checkApp(path: string): AppState {
    const version = this.docs.byPath(path)?.version;
    const configPath = this.configs.pathFor(path);
    const config = this.configs.load(configPath);
    // The same repository root as `kanaria compile` without --root: the Git top level, else the app's folder.
    const result = compile({ appPath: path, readFile: this.docs.readFile, root: repositoryRoot(path), config, graph: false, parse: this.parse });
    const deps = new Map<string, DependencyKind>();
    for (const f of result.files.keys()) if (f !== path) deps.set(f, "analysisTemplate");
    // The files named in spec.input (spec.plugins.ecs.input in PipeCD v1), even when missing: creating one must re-check the app.
    const written = result.files.get(path)?.value as any;
    const input = isPipecdV1App(written) ? written?.spec?.plugins?.ecs?.input : written?.spec?.input;
    const dir = dirname(path);
    if (typeof input?.serviceDefinitionFile === "string" && input.serviceDefinitionFile) deps.set(referencePath(dir, input.serviceDefinitionFile), "service");
    if (typeof input?.taskDefinitionFile === "string" && input.taskDefinitionFile) deps.set(referencePath(dir, input.taskDefinitionFile), "taskDefinition");
    if (configPath) deps.set(configPath, "runtime");
    const state: AppState = { path, version, result, deps, configPath, lastApp: result.app ?? this.apps.get(path)?.lastApp ?? null };
    this.apps.set(path, state);
    const versions = new Map([...result.files.keys()].map((f) => [f, this.docs.byPath(f)?.version] as const));
    versions.set(path, version);
    this.publisher.set(path, result.diagnostics, [path, ...result.files.keys()], versions, path);
    return state;
  }

  /** A service/task definition or runtime config checked on its own (no app needed). */
  checkSelf(path: string): void {
    const doc = this.docs.byPath(path);
    if (!doc) return;
    const kind = this.kindOf(path);
    const text = doc.getText();
    let diagnostics: Diagnostic[] = [];
    if (kind === "service" || kind === "taskDefinition") {
      const source = this.parse(path, text);
      diagnostics = [...source.diagnostics];
      if (!source.diagnostics.some((d) => d.severity === "error")) {
        const shape = documentShapeError(source, kind);
        diagnostics.push(...(shape ? [shape] : validate(kind, source, stripAbsent(source.value, true))));
      }
      diagnostics = capDiagnostics(applySuppressions(diagnostics, new Map([[path, text]])));
    } else if (kind === "runtime") {
      diagnostics = loadRuntimeConfig(path, text).diagnostics;
    }
    this.publisher.set(selfId(path), diagnostics, kind ? [path] : [], new Map([[path, doc.version]]), path);
  }
}
