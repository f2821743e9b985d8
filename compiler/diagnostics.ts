// Diagnostics: the one shape every phase (parse, schema, template, lint) reports in.
// Positions are 1-based, end-exclusive on the column, like most editors show them.

export type Severity = "error" | "warning" | "info";

export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A text edit that fixes a diagnostic (used by the LSP's code actions). */
export interface TextEdit {
  range: SourceRange;
  newText: string;
}

export interface Fix {
  title: string;
  /** Edits in the diagnostic's own file. */
  edits: TextEdit[];
}

export interface Diagnostic extends SourceRange {
  file: string;
  severity: Severity;
  /** Stable rule id (public contract: users suppress by it). */
  code: string;
  /** What is wrong and how to fix it. */
  message: string;
  fix?: Fix;
}

export const isError = (d: Diagnostic): boolean => d.severity === "error";

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Stable order: by file, then position, then severity. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      severityRank[a.severity] - severityRank[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}
