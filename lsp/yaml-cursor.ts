// Where the cursor is in a YAML document, worked out from indentation alone: the data path of
// the map or list around it, whether it sits on a key or a value, and what has been typed so
// far. It never needs the document to parse, so it works on the line being typed.
import type { Range } from "vscode-languageserver";
import { lineRange, splitLines } from "./positions.ts";

export interface LineInfo {
  /** Column of the first non-space character (the dash for `- item` lines). */
  first: number;
  /** Empty, comment-only, or part of a block scalar's text. */
  blank: boolean;
  /** Column of a leading `- `, or -1. */
  dash: number;
  /** Column where the key (or scalar) starts, after any dash. */
  content: number;
  key?: string;
  /** Column of the `:` after the key. */
  colon?: number;
  /** Value after the colon, unquoted, comment stripped ("" when the value is on later lines). */
  value?: string;
  valueStart?: number;
  /** The value is a block scalar (`|` or `>`): the indented lines below are its text. */
  blockScalar?: boolean;
  /** This line is inside a block scalar; `owner` is the line holding its key. */
  owner?: number;
}

/** A block map: the line it starts on and the column of its keys. */
export interface MapRef {
  line: number;
  col: number;
}

const KEY = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"{[][^#]*?))[ \t]*:(?=[ \t]|$)/;

export function parseLine(text: string): LineInfo {
  let i = 0;
  while (i < text.length && text[i] === " ") i++;
  const first = i;
  if (i >= text.length || text[i] === "#" || text.slice(i).trim() === "") return { first, blank: true, dash: -1, content: i };
  let dash = -1;
  if (text[i] === "-" && (i + 1 === text.length || text[i + 1] === " ")) {
    dash = i;
    i++;
    while (i < text.length && text[i] === " ") i++;
  }
  const info: LineInfo = { first, blank: false, dash, content: i };
  const m = KEY.exec(text.slice(i));
  if (m) {
    info.key = m[1] ?? m[2]?.replace(/''/g, "'") ?? m[3].trimEnd();
    info.colon = i + m[0].length - 1;
    let v = info.colon + 1;
    while (v < text.length && (text[v] === " " || text[v] === "\t")) v++;
    info.valueStart = v;
    info.value = scalarText(text.slice(v));
    info.blockScalar = /^[|>][-+0-9]*\s*(#.*)?$/.test(text.slice(v));
  }
  return info;
}

/** The plain value of a one-line scalar: quotes removed, trailing comment dropped. */
export function scalarText(raw: string): string {
  const t = raw.trim();
  if (t.startsWith('"')) {
    const end = t.indexOf('"', 1);
    try {
      return JSON.parse(end > 0 ? t.slice(0, end + 1) : `${t}"`);
    } catch {
      return t.slice(1, end > 0 ? end : undefined);
    }
  }
  if (t.startsWith("'")) {
    const end = t.indexOf("'", 1);
    return t.slice(1, end > 0 ? end : undefined);
  }
  return t.replace(/(^|\s+)#.*$/, "");
}

export class YamlLines {
  readonly text: string[];
  readonly info: LineInfo[];

  constructor(source: string) {
    this.text = splitLines(source);
    this.info = this.text.map(parseLine);
    // Lines inside a block scalar (`query: |`) are text, not structure.
    for (let i = 0; i < this.info.length; i++) {
      const l = this.info[i];
      if (!l.blockScalar) continue;
      let j = i + 1;
      for (; j < this.info.length; j++) {
        const n = this.info[j];
        if (this.text[j].trim() !== "" && n.first <= l.content) break;
        this.info[j] = { first: n.first, blank: true, dash: -1, content: n.first, owner: i };
      }
      i = j - 1;
    }
  }

  /** Keys of the block map at `map`, with their line numbers. */
  entries(map: MapRef): Map<string, number> {
    const out = new Map<string, number>();
    for (let j = map.line; j < this.info.length; j++) {
      const l = this.info[j];
      if (l.blank) continue;
      if (j === map.line) {
        if (l.key !== undefined && l.content === map.col) out.set(l.key, j);
        continue;
      }
      if (l.first < map.col) break;
      if (l.first > map.col) continue;
      if (l.dash === map.col) continue; // a compact list belonging to a sibling key
      if (l.key !== undefined) out.set(l.key, j);
    }
    return out;
  }

  /** One-line value of `key` in the block map at `map`. */
  valueOf(map: MapRef | null, key: string): string | undefined {
    if (!map) return undefined;
    const line = this.entries(map).get(key);
    return line === undefined ? undefined : this.info[line].value;
  }

  /**
   * Path from the document root to the map holding the entry that starts at (line, col).
   * maps[k] is the block map at path.slice(0, k) (null where that level is a list), so
   * maps[path.length] is the map holding the entry itself.
   */
  climb(line: number, col: number): { path: (string | number)[]; maps: (MapRef | null)[] } {
    // Built innermost-first, reversed at the end.
    const segs: (string | number)[] = [];
    const levels: (MapRef | null)[] = [];
    type State = { kind: "map" | "item"; line: number; col: number } | null;
    let state: State = { kind: "map", line, col };
    while (state) {
      let next: State = null;
      if (state.kind === "map") {
        const start: LineInfo = this.info[state.line];
        let mapStart = state.line;
        if (!start.blank && start.dash >= 0 && start.content === state.col) {
          next = { kind: "item", line: state.line, col: start.dash };
        } else {
          for (let j: number = state.line - 1; j >= 0; j--) {
            const l = this.info[j];
            if (l.blank || l.first > state.col) continue;
            if (l.content === state.col && l.dash < 0) {
              mapStart = j;
              continue;
            }
            if (l.content === state.col && l.dash >= 0) {
              mapStart = j;
              next = { kind: "item", line: j, col: l.dash };
              break;
            }
            if (l.first === state.col) continue; // compact list of a sibling key
            // A line further left: the key (or bare dash) this map hangs from.
            if (l.key !== undefined && l.content < state.col) {
              segs.push(l.key);
              next = { kind: "map", line: j, col: l.content };
            } else if (l.dash >= 0 && this.text[j].trim() === "-") {
              next = { kind: "item", line: j, col: l.dash };
            }
            break;
          }
        }
        levels.push({ line: mapStart, col: state.col });
      } else {
        let index = 0;
        let parentKey: string | undefined;
        for (let j: number = state.line - 1; j >= 0; j--) {
          const l = this.info[j];
          if (l.blank || l.first > state.col) continue;
          if (l.dash === state.col) {
            index++;
            continue;
          }
          if (l.key !== undefined && l.content <= state.col && l.dash < state.col) {
            parentKey = l.key;
            next = { kind: "map", line: j, col: l.content };
          } else if (l.dash >= 0 && l.dash < state.col && this.text[j].trim() === "-") {
            next = { kind: "item", line: j, col: l.dash };
          }
          break;
        }
        segs.push(index);
        levels.push(null);
        if (parentKey !== undefined) segs.push(parentKey);
      }
      state = next;
    }
    return { path: segs.reverse(), maps: levels.reverse() };
  }
}

export type CursorKind = "key" | "value" | "item";

export interface Cursor {
  /**
   * "key": on (or typing) a key of the map at `path`; "value": on the value of `key` in the
   * map at `path`; "item": on a new list item of the list at `path`.
   */
  kind: CursorKind;
  path: (string | number)[];
  /** maps[k]: the block map holding path[k] (null for list indexes); maps[path.length]: the map at `path`. */
  maps: (MapRef | null)[];
  key?: string;
  /** What has been typed of the current token up to the cursor. */
  prefix: string;
  /** The whole token at the cursor (what a completion replaces). */
  token: Range;
  /** The line is inside a block scalar. */
  inScalar: boolean;
}

export function cursorAt(lines: YamlLines, lineAsked: number, characterAsked: number): Cursor {
  // Clients may ask past the end (stale positions): clamp into the document.
  const last = lines.text.length - 1;
  const line = Math.max(0, Math.min(lineAsked, last));
  const character = lineAsked > last ? lines.text[last].length : Math.max(0, characterAsked);
  const text = lines.text[line] ?? "";
  const info = lines.info[line] ?? parseLine("");
  const ch = Math.min(character, text.length);

  if (info.owner !== undefined) {
    const o = lines.info[info.owner];
    const { path, maps } = lines.climb(info.owner, o.content);
    const end = text.length;
    return { kind: "value", path, maps, key: o.key, prefix: text.slice(info.first, ch), token: lineRange(line, info.first, end), inScalar: true };
  }

  const before = text.slice(0, ch);
  if (info.blank || before.trim() === "") {
    // A new entry typed at the cursor column (or in the indentation of an existing line).
    const col = info.blank ? ch : Math.min(ch, info.first);
    for (let j = line - 1; j >= 0; j--) {
      const l = lines.info[j];
      if (l.blank || l.first > col) continue;
      if (l.dash === col) {
        // Same column as the list's dashes: a new item of that list.
        const { path, maps } = lines.climb(j, l.content);
        const last = path[path.length - 1];
        if (typeof last === "number") {
          return { kind: "item", path: path.slice(0, -1), maps: maps.slice(0, -1), prefix: "", token: lineRange(line, ch, ch), inScalar: false };
        }
      }
      break;
    }
    const { path, maps } = lines.climb(line, col);
    return { kind: "key", path, maps, prefix: "", token: lineRange(line, ch, ch), inScalar: false };
  }

  if (info.key !== undefined && info.colon !== undefined && ch > info.colon) {
    const { path, maps } = lines.climb(line, info.content);
    const start = Math.min(info.valueStart ?? ch, ch);
    const end = Math.max(ch, valueEnd(text, start));
    return { kind: "value", path, maps, key: info.key, prefix: text.slice(start, ch), token: lineRange(line, start, end), inScalar: false };
  }

  // On a key, or on text that will become one (`    sca`).
  const { path, maps } = lines.climb(line, info.content);
  const keyEnd = info.colon ?? wordEnd(text, info.content);
  return {
    kind: "key",
    path,
    maps,
    key: info.key,
    prefix: text.slice(info.content, Math.max(ch, info.content)),
    token: lineRange(line, info.content, Math.max(keyEnd, ch)),
    inScalar: false,
  };
}

function wordEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && !/[\s:#]/.test(text[i])) i++;
  return i;
}

function valueEnd(text: string, from: number): number {
  const m = /\s+#/.exec(text.slice(from));
  return m ? from + m.index : text.trimEnd().length;
}

