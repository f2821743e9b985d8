// Human output: `file:line:col severity code message`, then the source line with a caret.
import type { Diagnostic } from "../diagnostics.ts";

export interface TextOptions {
  color: boolean;
  /** Source texts by file, for excerpts. */
  texts: Map<string, string>;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Source lines longer than this are shown as a window around the column, cut with "…". */
export const MAX_EXCERPT_WIDTH = 120;
/** How much of the line before the reported column the window keeps. */
const EXCERPT_LEAD = 40;

/**
 * The part of a source line to show and where the caret goes in it (0-based start, width):
 * the whole line when it is short, else a window of MAX_EXCERPT_WIDTH characters around the
 * column, with "…" where it was cut. One long line (a minified JSON taskdef, 100 KB of `[`)
 * then costs a line of output per diagnostic, not the whole file.
 */
export function excerpt(src: string, column: number, width: number): { text: string; caret: number; width: number } {
  const at = Math.max(0, Math.min(column - 1, src.length));
  if (src.length <= MAX_EXCERPT_WIDTH) return { text: src, caret: at, width };
  const start = Math.max(0, Math.min(at - EXCERPT_LEAD, src.length - MAX_EXCERPT_WIDTH));
  const end = Math.min(src.length, start + MAX_EXCERPT_WIDTH);
  const head = start > 0 ? "…" : "";
  const tail = end < src.length ? "…" : "";
  const caret = head.length + at - start;
  return { text: head + src.slice(start, end) + tail, caret, width: Math.max(1, Math.min(width, end - at + tail.length)) };
}

export function formatText(diagnostics: Diagnostic[], options: TextOptions): string {
  const out: string[] = [];
  const lineCache = new Map<string, string[]>();
  for (const d of diagnostics) {
    const sev = d.severity === "error" ? paint(options.color, "31", "error") : d.severity === "warning" ? paint(options.color, "33", "warning") : paint(options.color, "36", "info");
    out.push(`${d.file}:${d.line}:${d.column} ${sev} ${paint(options.color, "2", d.code)} ${d.message}`);
    const text = options.texts.get(d.file);
    if (text === undefined) continue;
    let lines = lineCache.get(d.file);
    if (!lines) lineCache.set(d.file, (lines = text.split("\n")));
    const src = lines[d.line - 1];
    if (src === undefined) continue;
    const gutter = String(d.line).length + 1;
    const width = d.endLine === d.line ? Math.max(1, d.endColumn - d.column) : Math.max(1, src.length - d.column + 1);
    const shown = excerpt(src, d.column, width);
    out.push(`${String(d.line).padStart(gutter)} | ${shown.text.replace(/\t/g, " ")}`);
    out.push(`${" ".repeat(gutter)} | ${" ".repeat(shown.caret)}${paint(options.color, "31", "^".repeat(shown.width))}`);
  }
  return out.join("\n");
}

export function summaryLine(diagnostics: Diagnostic[], apps: number): string {
  const count = (s: Diagnostic["severity"]) => diagnostics.filter((d) => d.severity === s).length;
  const e = count("error");
  const w = count("warning");
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(apps, "app")} checked: ${plural(e, "error")}, ${plural(w, "warning")}`;
}
