// Human output: `file:line:col severity code message`, then the source line with a caret.
import type { Diagnostic } from "../diagnostics.ts";

export interface TextOptions {
  color: boolean;
  /** Source texts by file, for excerpts. */
  texts: Map<string, string>;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

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
    out.push(`${String(d.line).padStart(gutter)} | ${src.replace(/\t/g, " ")}`);
    out.push(`${" ".repeat(gutter)} | ${" ".repeat(Math.max(0, d.column - 1))}${paint(options.color, "31", "^".repeat(width))}`);
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
