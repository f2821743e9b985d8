// A parsed YAML/JSON file that remembers where every node came from, so any later phase can
// turn a data path (["spec", "pipeline", "stages", 2, "with", "scale"]) into a line and column.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node, type YAMLError } from "yaml";
import type { Diagnostic, SourceRange } from "../diagnostics.ts";

export type DataPath = ReadonlyArray<string | number>;

/** Alias expansion above this count is treated as a resource-exhaustion attack ("billion laughs"). */
const MAX_ALIAS_COUNT = 100;

export interface SourceFile {
  /** Path as given by the caller (used verbatim in diagnostics). */
  path: string;
  text: string;
  /** Plain JS value of the document; undefined when the file could not be parsed. */
  value: unknown;
  /** Parse errors, already as diagnostics with code `yaml-syntax`. */
  diagnostics: Diagnostic[];
  /** Range of the value (or key) at `path`; falls back to the nearest existing ancestor. */
  rangeOf(path: DataPath, which?: "key" | "value"): SourceRange;
  /** True when `path` exists in the document. */
  has(path: DataPath): boolean;
  /** 1-based line/column of a 0-based character offset. */
  position(offset: number): { line: number; column: number };
  /** Character offset where the value at `path` starts (for positions inside a string). */
  valueStart(path: DataPath): { offset: number; quoted: boolean } | null;
  /** Source text offsets [start, end) of the scalar at `path`, including quotes/indicators. */
  valueSpan(path: DataPath): { start: number; end: number } | null;
}

/** Maps an offset in the text a node was parsed from to an offset in the file. */
export type Shift = (offset: number) => number;
const same: Shift = (o) => o;

/** A node and how to turn its offsets into file offsets (a file may be assembled from pieces). */
export interface Cursor {
  node: Node | null;
  shift: Shift;
}

/** One step down from `parent` (a map key or a sequence index); null when there is no such child. */
export type Descend = (parent: Cursor, segment: string | number) => { key: Cursor | null; value: Cursor } | null;

interface Located {
  node: Cursor | null;
  keyNode: Cursor | null;
  found: boolean;
}

/** The child step of a plain yaml Document: keys by their scalar value, sequences by index. */
export const descendDocument: Descend = (parent, seg) => {
  const node = parent.node;
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && scalarKey(p.key) === String(seg));
    if (!pair) return null;
    return { key: { node: (pair.key as Node) ?? null, shift: parent.shift }, value: { node: (pair.value as Node) ?? null, shift: parent.shift } };
  }
  if (isSeq(node) && typeof seg === "number") {
    const item = node.items[seg];
    if (item === undefined) return null;
    return { key: null, value: { node: item as Node, shift: parent.shift } };
  }
  return null;
};

function locate(root: Cursor, descend: Descend, path: DataPath): Located {
  let cur = root;
  let last: Located = { node: root.node ? root : null, keyNode: null, found: path.length === 0 };
  for (let i = 0; i < path.length; i++) {
    const step = descend(cur, path[i]);
    if (!step) return { ...last, found: false };
    cur = step.value;
    const keyNode = step.key?.node ? step.key : null;
    // A key with an empty value (`with:`) has a zero-width node: point at the key instead.
    const node = cur.node;
    const empty = keyNode && (!node || (isScalar(node) && node.range && node.range[0] === node.range[1]));
    last = { node: empty ? keyNode : node ? cur : null, keyNode, found: i === path.length - 1 };
  }
  return last;
}

function scalarKey(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/** 1-based positions for offsets of `text`. */
export function lineIndex(text: string): (offset: number) => { line: number; column: number } {
  // Our own line index: yaml's LineCounter misses newlines inside broken flow collections.
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  return (offset: number) => {
    const o = Math.max(0, Math.min(offset, text.length));
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - lineStarts[lo] + 1 };
  };
}

// logLevel "error": a mapping used as a key (an unquoted `{{ x }}`) is reported as a diagnostic, not printed as a process warning.
export const YAML_OPTIONS = { uniqueKeys: true, prettyErrors: false, strict: true, logLevel: "error" } as const;

export function parseSource(path: string, text: string): SourceFile {
  const diagnostics: Diagnostic[] = [];
  const doc = parseDocument(text, YAML_OPTIONS);
  const position = lineIndex(text);
  const at = (start: number, end: number) => rangeFromOffsets(position, start, end);
  diagnostics.push(...yamlDiagnostics(path, position, doc.errors, "error", same), ...yamlDiagnostics(path, position, doc.warnings, "warning", same));

  let value: unknown;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      diagnostics.push({
        file: path,
        ...at(0, Math.min(text.indexOf("\n") >>> 0, text.length)),
        severity: "error",
        code: "yaml-syntax",
        message: `${(e as Error).message}. Reduce the use of YAML aliases (&anchor / *alias); Kanaria refuses documents whose aliases expand more than ${MAX_ALIAS_COUNT} times.`,
      });
    }
  }
  return sourceFile({ path, text, value, diagnostics, position, root: { node: (doc.contents as Node) ?? null, shift: same }, descend: descendDocument });
}

/** yaml's errors or warnings as diagnostics; `shift` maps their offsets into the file. */
export function yamlDiagnostics(path: string, position: (offset: number) => { line: number; column: number }, problems: readonly YAMLError[], severity: "error" | "warning", shift: Shift): Diagnostic[] {
  return problems.map((err) => ({
    file: path,
    ...rangeFromOffsets(position, shift(err.pos[0]), shift(err.pos[1])),
    severity,
    code: "yaml-syntax",
    message: yamlMessage(err.code, err.message),
  }));
}

function rangeFromOffsets(position: (offset: number) => { line: number; column: number }, start: number, end: number): SourceRange {
  const s = position(start);
  const e = position(Math.max(end, start));
  // Never hand out an empty range: editors draw nothing for it.
  if (e.line === s.line && e.column <= s.column) return { line: s.line, column: s.column, endLine: s.line, endColumn: s.column + 1 };
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

const FILE_START: SourceRange = { line: 1, column: 1, endLine: 1, endColumn: 2 };

/** A SourceFile over a node tree: a whole parsed document, or one assembled from pieces. */
export function sourceFile(parts: {
  path: string;
  text: string;
  value: unknown;
  diagnostics: Diagnostic[];
  position: (offset: number) => { line: number; column: number };
  root: Cursor;
  descend: Descend;
}): SourceFile {
  const { path, text, value, diagnostics, position, root, descend } = parts;
  const nodeRange = (c: Cursor | null): SourceRange | null => {
    const r = c?.node?.range;
    if (!r) return null;
    // range[1] is the end of the value proper (without trailing comments/newlines).
    return rangeFromOffsets(position, c.shift(r[0]), c.shift(r[1]));
  };
  const scalarAt = (p: DataPath) => {
    const loc = locate(root, descend, p);
    return loc.found && loc.node && isScalar(loc.node.node) && loc.node.node.range ? { scalar: loc.node.node, shift: loc.node.shift } : null;
  };
  return {
    path,
    text,
    value,
    diagnostics,
    position,
    has: (p) => locate(root, descend, p).found,
    rangeOf(p, which = "value") {
      const loc = locate(root, descend, p);
      const node = which === "key" && loc.keyNode && loc.found ? loc.keyNode : loc.found ? loc.node : (loc.keyNode ?? loc.node);
      return nodeRange(node) ?? nodeRange(loc.keyNode) ?? FILE_START;
    },
    valueStart(p) {
      const s = scalarAt(p);
      if (!s) return null;
      const t = s.scalar.type;
      return { offset: s.shift(s.scalar.range![0]), quoted: t === "QUOTE_DOUBLE" || t === "QUOTE_SINGLE" };
    },
    valueSpan(p) {
      const s = scalarAt(p);
      if (!s) return null;
      return { start: s.shift(s.scalar.range![0]), end: s.shift(s.scalar.range![1]) };
    },
  };
}

function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
  switch (code) {
    case "DUPLICATE_KEY":
      return `${first}. Remove or rename one of the duplicate keys (YAML keeps only one of them silently in many tools).`;
    case "TAB_AS_INDENT":
      return `${first}. Indent with spaces: YAML does not allow tabs for indentation.`;
    default:
      return `${first}. Fix the YAML syntax at this position.`;
  }
}
