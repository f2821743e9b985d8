// Parsing for callers that parse the same files again and again (the language server, on every
// keystroke). Most of a long app file is one block sequence (spec.pipeline.stages) and an edit
// touches one or two of its items, so the file is cut into the text around that sequence and
// one piece per item; each piece is parsed on its own, cached by its text, and the pieces are
// assembled into a SourceFile equal to parsing the whole file (same value, same ranges; the
// differential tests in test/compiler/source-parser.test.ts hold the two to that). A file that
// cannot be shown safe to cut is parsed whole: tab indentation, CRLF line ends, anchors,
// aliases or tags, and a YAML error that could reach past its piece (see assemble).
import { Composer, isAlias, isNode, isScalar, isSeq, Lexer, Parser, visit, YAMLSeq, type CST, type Document, type Node, type Pair, type Scalar } from "yaml";
import { descendDocument, lineIndex, parseSource, sourceFile, yamlDiagnostics, YAML_OPTIONS, type Cursor, type Descend, type Shift, type SourceFile } from "./source-file.ts";

export type SourceParser = (path: string, text: string) => SourceFile;

export interface SourceParserOptions {
  /** Files shorter than this are parsed whole (cutting them up saves nothing). */
  minSplitLength?: number;
  /** Pieces kept, by text. */
  cacheSize?: number;
  /** Told how each file was parsed: unchanged since last time, assembled from pieces, or whole. */
  onParse?: (how: "unchanged" | "pieces" | "whole") => void;
}

/** Where the sequence sits in the text. */
interface Cut {
  /** Offset of the key that owns the sequence (`stages` in `    stages:`). */
  keyOffset: number;
  /** Line-start offsets of the items, in order. */
  items: number[];
  /** Offset just past the sequence's last line. */
  end: number;
}

/** `  stages:`, maybe with trailing spaces or a comment: a plain key whose value starts on the next line. */
const KEY_LINE = /^( *)[A-Za-z0-9_.-]+: *(?:#.*)?$/;
/** Indentation is spaces only in YAML (a tab there is an error; the whole parse reports it). */
const indentOf = (line: string) => /^ */.exec(line)![0].length;

/** The longest block sequence that is the whole value of a plain `key:` line, if any. */
export function findCut(text: string): Cut | null {
  if (text.includes("\r") || /^ *\t/m.test(text)) return null;
  const lines = text.split("\n");
  const starts: number[] = [];
  let offset = 0;
  for (const l of lines) {
    starts.push(offset);
    offset += l.length + 1;
  }
  const isItem = (l: string, k: number) => indentOf(l) === k && l[k] === "-" && (l.length === k + 1 || l[k + 1] === " ");

  let best: Cut | null = null;
  for (let c = 0; c + 1 < lines.length; c++) {
    const key = KEY_LINE.exec(lines[c]);
    if (!key) continue;
    const k = indentOf(lines[c + 1]);
    if (k < key[1].length || !isItem(lines[c + 1], k)) continue;
    const items = [starts[c + 1]];
    let j = c + 2;
    for (; j < lines.length; j++) {
      const l = lines[j];
      const n = indentOf(l);
      // Blank lines, comments and deeper lines belong to the item above.
      if (n === l.length || l[n] === "#" || n > k) continue;
      if (isItem(l, k)) items.push(starts[j]);
      else break;
    }
    const end = j < lines.length ? starts[j] : text.length;
    if (items.length >= 2 && (!best || end - items[0] > best.end - best.items[0])) best = { keyOffset: starts[c] + key[1].length, items, end };
  }
  return best;
}

interface Parsed {
  doc: Document;
  /** Deep-frozen: shared by every SourceFile assembled from this piece. */
  value: unknown;
  /** Whether yaml reported errors or warnings (with errors there is no value). */
  problems: boolean;
  /**
   * Whether the piece may stand for its part of the file: nothing open in it reaches past its
   * end, and its YAML problems, if any, stay inside it (see assemble). Decided once per text.
   */
  usable?: boolean;
}

/** The lexer's token for a flow collection it ends early (a line indented too little). */
const FLOW_ERROR_END = "\x18";

/**
 * True when an item parsed followed by the first line of the next one (at `siblingAt`, indented
 * `indent`) ends with that line as the sequence's last item: nothing in the item (an unclosed
 * quote or bracket, a plain scalar running on) swallowed the next item's dash.
 */
export function endsAtSibling(cst: readonly CST.Token[], siblingAt: number, indent: number): boolean {
  const doc = cst.find((t): t is CST.Document => t.type === "document");
  const seq = doc?.value;
  if (seq?.type !== "block-seq" || seq.indent !== indent) return false;
  return !!seq.items.at(-1)?.start.some((t) => t.type === "seq-item-ind" && t.offset === siblingAt + indent);
}

/**
 * True when `text` has no flow collection and no unterminated quote: its YAML errors, if any,
 * are about block structure, which the next item's dash resets. (An error inside a flow
 * collection changes how yaml reads the lines after it, well past the next item's dash.)
 */
export function blockOnly(text: string): boolean {
  for (const t of new Lexer().lex(text)) {
    if (t === "{" || t === "[" || t === "}" || t === "]" || t === FLOW_ERROR_END) return false;
    const q = t[0];
    if ((q === '"' || q === "'") && (t.length < 2 || !t.trimEnd().endsWith(q))) return false;
  }
  return true;
}

/** True when the text before the sequence ends at a line end outside any flow collection or quote. */
export function closedBefore(text: string): boolean {
  let depth = 0;
  let last = "\n";
  for (const t of new Lexer().lex(text)) {
    if (t === "{" || t === "[") depth++;
    else if (t === "}" || t === "]") depth--;
    else if (t === FLOW_ERROR_END) depth = 0;
    last = t;
  }
  return depth === 0 && last.endsWith("\n");
}

/**
 * Parsed (as parseDocument does, keeping the CST for `usable`), or null when the piece must not
 * be used: anchors, aliases and tags reach across pieces, and so do several documents.
 */
function parsePiece(text: string, usable?: (doc: Document, cst: readonly CST.Token[]) => boolean): Parsed | null {
  const cst = [...new Parser().parse(text)];
  const docs = [...new Composer(YAML_OPTIONS).compose(cst, true, text.length)];
  if (docs.length !== 1) return null;
  const doc = docs[0] as Document;
  let plain = true;
  visit(doc, (_key, node) => {
    if (isAlias(node) || (isNode(node) && (node.anchor || node.tag))) {
      plain = false;
      return visit.BREAK;
    }
  });
  if (!plain) return null;
  return { doc, value: doc.errors.length ? undefined : deepFreeze(doc.toJS()), problems: hasProblems(doc), usable: usable?.(doc, cst) };
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** The pair whose key starts at `keyOffset`, when its value is a sequence, and the data path to it. */
function findSequence(doc: Document, keyOffset: number): { seq: YAMLSeq; path: (string | number)[] } | null {
  let found: { seq: YAMLSeq; path: (string | number)[] } | null = null;
  visit(doc, {
    Pair(_key, pair: Pair, path) {
      const k = pair.key as Node | null;
      if (!isScalar(k) || k.range?.[0] !== keyOffset) return;
      if (isSeq(pair.value)) found = { seq: pair.value, path: dataPath(path, pair) };
      return visit.BREAK;
    },
  });
  return found;
}

/** Converts yaml's ancestor list into the data path of `pair`'s value. */
function dataPath(ancestors: readonly unknown[], pair: Pair): (string | number)[] {
  const out: (string | number)[] = [];
  const chain = [...ancestors, pair];
  for (let i = 0; i < chain.length; i++) {
    const a = chain[i];
    if (isSeq(a)) out.push(a.items.indexOf(chain[i + 1] as never));
    else if (a && typeof a === "object" && "key" in a && "value" in a) out.push(String((a.key as Scalar).value));
  }
  return out;
}

/** A copy of `value` with `v` at `path` (objects on the path copied, everything else shared). */
function setAt(value: unknown, path: readonly (string | number)[], v: unknown): unknown {
  if (path.length === 0) return v;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[head] = setAt((value as any)[head], rest, v);
  return Object.freeze(copy);
}

/** A map that forgets its least recently used entries beyond `size`. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly size: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): V {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value as string);
    return v;
  }

  /** The entry for `key`, made (and kept) when missing. */
  getOrMake(key: string, make: () => V): V {
    const v = this.get(key);
    return v !== undefined ? v : this.set(key, make());
  }
}

/**
 * A parser with memory. Same answer as `parseSource`; faster on a text it has seen before,
 * and on a long file most of whose sequence items it has seen before.
 */
export function createSourceParser(options: SourceParserOptions = {}): SourceParser {
  const minSplit = options.minSplitLength ?? 2048;
  const pieces = new Lru<Parsed | null>(options.cacheSize ?? 500);
  /** The newest parse per path: a file that did not change (a taskdef, while the app is edited) is not parsed again. */
  const last = new Lru<SourceFile>(256);

  return (path, text) => {
    const prev = last.get(path);
    if (prev && prev.text === text) {
      options.onParse?.("unchanged");
      return prev;
    }
    const assembled = text.length >= minSplit ? assemble(path, text, pieces) : null;
    options.onParse?.(assembled ? "pieces" : "whole");
    const file = assembled ?? frozen(parseSource(path, text));
    last.set(path, file);
    return file;
  };
}

function frozen(file: SourceFile): SourceFile {
  deepFreeze(file.value);
  return file;
}

/**
 * The head is the file without the sequence's items but its last: the last item stays in its
 * real context (whatever follows the sequence), so the sequence and its ancestors end where
 * they end in the file. Every other item is parsed followed by the first line of the next item,
 * its context in the file (a node ending in comments ends at the next token; an error's
 * aftermath shows on the next line).
 *
 * A YAML error is taken from a piece only where it cannot reach past it: in the block structure
 * of an item (no flow collection, no quote) whose next line still parsed cleanly as the next
 * item, or in the head from the last item on. Anywhere else (an unclosed quote or bracket, an
 * error before the sequence) the whole file is parsed, for the exact messages.
 */
function assemble(path: string, text: string, pieces: Lru<Parsed | null>): SourceFile | null {
  const cut = findCut(text);
  if (!cut) return null;
  const start = cut.items[0];
  const lastStart = cut.items.at(-1)!;
  const headText = text.slice(0, start) + text.slice(lastStart);
  const head = pieces.getOrMake(`head\0${start}\0${headText}`, () =>
    parsePiece(headText, (doc) => closedBefore(headText.slice(0, start)) && within(doc, start, headText.length)),
  );
  if (!head?.usable) return null;
  const found = findSequence(head.doc, cut.keyOffset);
  if (found?.seq.items.length !== 1) return null;
  const removed = lastStart - start;
  const headShift = (o: number) => (o < start ? o : o + removed);

  const indent = text.indexOf("-", lastStart) - lastStart;
  const items: Cursor[] = [];
  const values: unknown[] = [];
  const problems: { doc: Document; shift: Shift }[] = [];
  let firstDash = 0;
  for (let i = 0; i + 1 < cut.items.length; i++) {
    const base = cut.items[i];
    const own = text.slice(base, cut.items[i + 1]);
    const next = cut.items[i + 1];
    const nextLine = text.indexOf("\n", next);
    const t = own + (nextLine < 0 ? `${text.slice(next)}\n` : text.slice(next, nextLine + 1));
    const piece = pieces.getOrMake(`item\0${t}`, () =>
      parsePiece(t, (doc, cst) => endsAtSibling(cst, own.length, indent) && within(doc, 0, own.length) && (!hasProblems(doc) || blockOnly(own))),
    );
    const seq = piece?.doc.contents;
    if (!piece?.usable || !isSeq(seq) || seq.items.length !== 2) return null;
    const shift = (o: number) => o + base;
    if (piece.problems) problems.push({ doc: piece.doc, shift });
    if (i === 0) firstDash = seq.range![0] + base;
    items.push({ node: seq.items[0] as Node, shift });
    values.push(Array.isArray(piece.value) ? piece.value[0] : undefined);
  }
  if (head.problems) problems.push({ doc: head.doc, shift: headShift });
  items.push({ node: found.seq.items[0] as Node, shift: headShift });
  const failed = problems.some((p) => p.doc.errors.length > 0);
  if (!failed) values.push((found.path.reduce<any>((v, k) => v[k], head.value) as unknown[])[0]);

  // The sequence as a whole-file parse gives it: from the first dash to where the head's ends.
  const seq = new YAMLSeq();
  const r = found.seq.range!;
  seq.range = [firstDash, headShift(r[1]), headShift(r[2])];
  const descend: Descend = (parent, segment) => {
    if (parent.node === seq) return typeof segment === "number" && items[segment] ? { key: null, value: items[segment] } : null;
    const step = descendDocument(parent, segment);
    if (step && step.value.node === found.seq) step.value = { node: seq, shift: (o) => o };
    return step;
  };
  const position = lineIndex(text);
  // As a whole parse lists them: every error in file order, then every warning.
  const diagnostics = [
    ...problems.flatMap((p) => yamlDiagnostics(path, position, p.doc.errors, "error", p.shift)),
    ...problems.flatMap((p) => yamlDiagnostics(path, position, p.doc.warnings, "warning", p.shift)),
  ];
  return sourceFile({
    path,
    text,
    value: failed ? undefined : setAt(head.value, found.path, Object.freeze(values)),
    diagnostics,
    position,
    root: { node: (head.doc.contents as Node) ?? null, shift: headShift },
    descend,
  });
}

const hasProblems = (doc: Document) => doc.errors.length > 0 || doc.warnings.length > 0;

/** True when every error and warning of `doc` lies in [from, to). */
function within(doc: Document, from: number, to: number): boolean {
  return [...doc.errors, ...doc.warnings].every((e) => e.pos[0] >= from && e.pos[1] <= to);
}
