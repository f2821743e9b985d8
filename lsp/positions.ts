// Conversions between the compiler's 1-based, end-exclusive ranges and LSP's 0-based ones, and
// between offsets and positions in a text. Both count UTF-16 code units (JS string indices), the
// LSP default encoding, so no re-encoding is needed.
import type { Diagnostic as LspDiagnostic, Position, Range } from "vscode-languageserver";
import type { Diagnostic, SourceRange } from "../compiler/diagnostics.ts";

export function toLspRange(r: SourceRange): Range {
  return { start: { line: r.line - 1, character: r.column - 1 }, end: { line: r.endLine - 1, character: r.endColumn - 1 } };
}

export function fromLspRange(r: Range): SourceRange {
  return { line: r.start.line + 1, column: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

const SEVERITY = { error: 1, warning: 2, info: 3 } as const;

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  return { range: toLspRange(d), severity: SEVERITY[d.severity], code: d.code, source: "kanaria", message: d.message };
}

export function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** True when `p` lies inside `r` (end inclusive, so a cursor just after a word still counts). */
export function contains(r: Range, p: Position): boolean {
  if (p.line < r.start.line || p.line > r.end.line) return false;
  if (p.line === r.start.line && p.character < r.start.character) return false;
  if (p.line === r.end.line && p.character > r.end.character) return false;
  return true;
}

/** Lines of a text, without their line terminators. */
export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

export const point = (line: number, character: number): Position => ({ line, character });
export const lineRange = (line: number, start: number, end: number): Range => ({ start: point(line, start), end: point(line, end) });
