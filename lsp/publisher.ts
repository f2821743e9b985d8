// Diagnostics per file, merged from every source that reports on it: each open app's compile
// (an app reports on its taskdef too) and the file's own schema check. Publishing a file sends
// the union, tagged with the version of the open buffer it was computed from. Files other than
// the one that changed are sent only when what they show changed (typing in an app must not
// re-send its servicedef's and taskdef's diagnostics on every keystroke).
import type { Diagnostic } from "../compiler/diagnostics.ts";
import { sortDiagnostics } from "../compiler/diagnostics.ts";
import type { PublishDiagnosticsParams } from "vscode-languageserver";
import { toLspDiagnostic } from "./positions.ts";

/** "self" for a file's own check, else the path of the app whose compile reported it. */
export type SourceId = string;

export class Publisher {
  private readonly byFile = new Map<string, Map<SourceId, Diagnostic[]>>();
  private readonly filesOf = new Map<SourceId, Set<string>>();
  /** What was last sent per file (version + diagnostics), to skip repeats. */
  private readonly sent = new Map<string, string>();

  constructor(
    private readonly send: (params: PublishDiagnosticsParams) => void,
    private readonly versionOf: (path: string) => number | undefined,
    private readonly uriOf: (path: string) => string,
  ) {}

  /**
   * Replaces what `source` reports, file by file. `files` lists every file the source looked at:
   * those without diagnostics are cleared. `versions` pins the version a file was read at.
   * `changed` is always published (its client waits for the new version); others on change.
   */
  set(source: SourceId, diagnostics: Diagnostic[], files: Iterable<string>, versions?: Map<string, number | undefined>, changed?: string): void {
    const next = new Map<string, Diagnostic[]>();
    for (const f of files) next.set(f, []);
    for (const d of diagnostics) {
      const list = next.get(d.file) ?? [];
      list.push(d);
      next.set(d.file, list);
    }
    const before = this.filesOf.get(source) ?? new Set<string>();
    const touched = new Set([...before, ...next.keys()]);
    for (const f of touched) {
      const map = this.byFile.get(f) ?? new Map<SourceId, Diagnostic[]>();
      const ds = next.get(f);
      if (ds?.length) map.set(source, ds);
      else map.delete(source);
      if (map.size) this.byFile.set(f, map);
      else this.byFile.delete(f);
    }
    this.filesOf.set(source, new Set([...next.keys()].filter((f) => next.get(f)!.length)));
    if (changed && touched.has(changed)) this.publish(changed, versions?.get(changed));
    for (const f of touched) if (f !== changed) this.publish(f, versions?.get(f), false);
  }

  clear(source: SourceId): void {
    this.set(source, [], []);
  }

  /** Every diagnostic currently shown on `path`, deduplicated (an app and the file's own check overlap). */
  get(path: string): Diagnostic[] {
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    for (const ds of this.byFile.get(path)?.values() ?? []) {
      for (const d of ds) {
        const key = `${d.line}:${d.column}:${d.endLine}:${d.endColumn}:${d.code}:${d.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(d);
      }
    }
    return sortDiagnostics(out);
  }

  publish(path: string, version?: number, always = true): void {
    const v = version ?? this.versionOf(path);
    const params: PublishDiagnosticsParams = { uri: this.uriOf(path), diagnostics: this.get(path).map(toLspDiagnostic) };
    if (v !== undefined) params.version = v;
    const key = JSON.stringify(params);
    if (!always && this.sent.get(path) === key) return;
    this.sent.set(path, key);
    this.send(params);
  }
}
