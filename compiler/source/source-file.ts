// A parsed YAML/JSON file that remembers where every node came from, so any later phase can
// turn a data path (["spec", "pipeline", "stages", 2, "with", "scale"]) into a line and column.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";
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

interface Located {
  node: Node | null;
  keyNode: Node | null;
  found: boolean;
}

function locate(doc: Document, path: DataPath): Located {
  let node: unknown = doc.contents;
  let keyNode: Node | null = null;
  let last: Located = { node: (node as Node) ?? null, keyNode: null, found: path.length === 0 };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && scalarKey(p.key) === String(seg));
      if (!pair) return { ...last, found: false };
      keyNode = (pair.key as Node) ?? null;
      node = pair.value;
      // A key with an empty value (`with:`) has a zero-width node: point at the key instead.
      const empty = !node || (isScalar(node) && node.range && node.range[0] === node.range[1]);
      last = { node: empty ? keyNode : (node as Node), keyNode, found: i === path.length - 1 };
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (item === undefined) return { ...last, found: false };
      keyNode = null;
      node = item;
      last = { node: item as Node, keyNode: null, found: i === path.length - 1 };
    } else {
      return { ...last, found: false };
    }
  }
  return last;
}

function scalarKey(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

export function parseSource(path: string, text: string): SourceFile {
  const diagnostics: Diagnostic[] = [];
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true });
  // Our own line index: yaml's LineCounter misses newlines inside broken flow collections.
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const position = (offset: number) => {
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
  const rangeFromOffsets = (start: number, end: number): SourceRange => {
    const s = position(start);
    const e = position(Math.max(end, start));
    // Never hand out an empty range: editors draw nothing for it.
    if (e.line === s.line && e.column <= s.column) return { line: s.line, column: s.column, endLine: s.line, endColumn: s.column + 1 };
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  };
  const nodeRange = (node: Node | null): SourceRange | null => {
    const r = node?.range;
    if (!r) return null;
    // range[1] is the end of the value proper (without trailing comments/newlines).
    return rangeFromOffsets(r[0], r[1]);
  };

  for (const err of [...doc.errors, ...doc.warnings]) {
    const [start, end] = err.pos;
    diagnostics.push({
      file: path,
      ...rangeFromOffsets(start, end),
      severity: doc.errors.includes(err as never) ? "error" : "warning",
      code: "yaml-syntax",
      message: yamlMessage(err.code, err.message),
    });
  }

  let value: unknown;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      diagnostics.push({
        file: path,
        ...rangeFromOffsets(0, Math.min(text.indexOf("\n") >>> 0, text.length)),
        severity: "error",
        code: "yaml-syntax",
        message: `${(e as Error).message}. Reduce the use of YAML aliases (&anchor / *alias); Kanaria refuses documents whose aliases expand more than ${MAX_ALIAS_COUNT} times.`,
      });
    }
  }

  const fileStart: SourceRange = { line: 1, column: 1, endLine: 1, endColumn: 2 };
  return {
    path,
    text,
    value,
    diagnostics,
    position,
    has: (p) => locate(doc, p).found,
    rangeOf(p, which = "value") {
      const loc = locate(doc, p);
      const node = which === "key" && loc.keyNode && loc.found ? loc.keyNode : loc.found ? loc.node : (loc.keyNode ?? loc.node);
      return nodeRange(node) ?? nodeRange(loc.keyNode) ?? fileStart;
    },
    valueStart(p) {
      const loc = locate(doc, p);
      if (!loc.found || !isScalar(loc.node) || !loc.node.range) return null;
      const t = loc.node.type;
      return { offset: loc.node.range[0], quoted: t === "QUOTE_DOUBLE" || t === "QUOTE_SINGLE" };
    },
    valueSpan(p) {
      const loc = locate(doc, p);
      if (!loc.found || !isScalar(loc.node) || !loc.node.range) return null;
      return { start: loc.node.range[0], end: loc.node.range[1] };
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
