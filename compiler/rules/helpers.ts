// Shared helpers for rule modules: the text edits rules offer as quick fixes (LSP code actions:
// replace a value, insert or remove a pipeline stage, remove a key's lines), defensive access to
// servicedef/taskdef values, and how messages name a stage. Line-based edits are only offered for
// block-style YAML; for JSON or flow style they return null and the rule reports without a fix.
import type { DataPath, SourceFile } from "../source/source-file.ts";
import type { Fix, SourceRange, TextEdit } from "../diagnostics.ts";
import type { Stage } from "../model.ts";

/** How messages name a stage: `stage 3 (WAIT)`, or `stage "bake" (WAIT)` when it has an explicit id. */
export function stageLabel(s: Stage): string {
  return s.idGiven ? `stage "${s.id}" (${s.name})` : `stage ${s.index + 1} (${s.name})`;
}

const lines = (source: SourceFile): string[] => source.text.split("\n");

/** Replace the value at `path` with `newText` (a YAML scalar as it should be written). */
export function replaceValue(source: SourceFile, path: DataPath, newText: string): TextEdit {
  return { range: source.rangeOf(path), newText };
}

export function fix(title: string, ...edits: (TextEdit | null)[]): Fix | undefined {
  const ok = edits.filter((e): e is TextEdit => e !== null);
  return ok.length === edits.length && ok.length > 0 ? { title, edits: ok } : undefined;
}

/** First and last line of a block sequence item (e.g. a stage), and the column of its "- ". */
function itemLines(source: SourceFile, path: DataPath): { first: number; last: number; indent: string } | null {
  if (!source.has(path)) return null;
  const r = source.rangeOf(path);
  const text = lines(source)[r.line - 1] ?? "";
  // r.column is where the mapping starts ("name"); "- " must come right before it.
  if (r.column < 3 || text.slice(r.column - 3, r.column - 1) !== "- ") return null;
  const indent = text.slice(0, r.column - 3);
  if (indent.trim() !== "") return null;
  const last = r.endColumn === 1 && r.endLine > r.line ? r.endLine - 1 : r.endLine;
  return { first: r.line, last, indent };
}

/** Lines of the key at `path` and its (block) value. */
function keyLines(source: SourceFile, path: DataPath): { first: number; last: number } | null {
  if (!source.has(path)) return null;
  const k = source.rangeOf(path, "key");
  const v = source.rangeOf(path);
  const text = lines(source)[k.line - 1] ?? "";
  if (text.slice(0, k.column - 1).trim() !== "") return null;
  const last = v.endColumn === 1 && v.endLine > k.line ? v.endLine - 1 : v.endLine;
  return { first: k.line, last: Math.max(last, k.line) };
}

const indentBlock = (yaml: string, indent: string): string =>
  yaml
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => indent + l)
    .join("\n");

/** Insert a stage (YAML starting with "- name: ...", no indentation) just before the stage at `stagePath`. */
export function insertStageBefore(source: SourceFile, stagePath: DataPath, stageYaml: string): TextEdit | null {
  const at = itemLines(source, stagePath);
  if (!at) return null;
  const pos: SourceRange = { line: at.first, column: 1, endLine: at.first, endColumn: 1 };
  return { range: pos, newText: indentBlock(stageYaml, at.indent) + "\n" };
}

/** Insert a stage just after the stage at `stagePath`. */
export function insertStageAfter(source: SourceFile, stagePath: DataPath, stageYaml: string): TextEdit | null {
  const at = itemLines(source, stagePath);
  if (!at) return null;
  const len = (lines(source)[at.last - 1] ?? "").length;
  const pos: SourceRange = { line: at.last, column: len + 1, endLine: at.last, endColumn: len + 1 };
  return { range: pos, newText: "\n" + indentBlock(stageYaml, at.indent) };
}

function removeLineSpan(source: SourceFile, first: number, last: number): TextEdit {
  const all = lines(source);
  const total = source.text.endsWith("\n") ? all.length - 1 : all.length;
  if (last < total) return { range: { line: first, column: 1, endLine: last + 1, endColumn: 1 }, newText: "" };
  const prevLen = first > 1 ? all[first - 2].length : 0;
  return {
    range: { line: Math.max(1, first - 1), column: first > 1 ? prevLen + 1 : 1, endLine: last, endColumn: all[last - 1].length + 1 },
    newText: "",
  };
}

/** Remove a whole block sequence item (a stage, an approver...). */
export function removeItem(source: SourceFile, stagePath: DataPath): TextEdit | null {
  const at = itemLines(source, stagePath);
  return at ? removeLineSpan(source, at.first, at.last) : null;
}

/** Remove a key and its block value (e.g. `launchType: FARGATE`, or a whole nested block). */
export function removeKey(source: SourceFile, path: DataPath): TextEdit | null {
  const at = keyLines(source, path);
  return at ? removeLineSpan(source, at.first, at.last) : null;
}

/** A plain object, or null (servicedef/taskdef values are treated defensively). */
export function asObject(v: unknown): Record<string, any> | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, any>) : null;
}

/** Path of the first key of a file (where a "missing key" finding is reported). */
export function firstKeyPath(value: Record<string, unknown>): DataPath {
  const k = Object.keys(value)[0];
  return k === undefined ? [] : [k];
}
