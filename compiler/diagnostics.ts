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

/**
 * At most this many diagnostics per file and rule. Past a few dozen, more of the same finding
 * helps no one, and a hostile file (100 KB of `[`) would otherwise make thousands, each with a
 * source excerpt: hundreds of MB of output. The rest are counted in one closing diagnostic.
 */
export const MAX_DIAGNOSTICS_PER_RULE = 50;

/**
 * Keeps the first MAX_DIAGNOSTICS_PER_RULE diagnostics (in the given order) of each file and
 * rule, and replaces the rest with one diagnostic of that rule, at the first one left out, that
 * says how many there are. Its severity is the most severe of those left out.
 */
export function capDiagnostics(ds: Diagnostic[], max = MAX_DIAGNOSTICS_PER_RULE): Diagnostic[] {
  const count = new Map<string, number>();
  const over = new Map<string, { first: Diagnostic; n: number; severity: Severity }>();
  const out: Diagnostic[] = [];
  for (const d of ds) {
    const key = `${d.file}\u0000${d.code}`;
    const n = (count.get(key) ?? 0) + 1;
    count.set(key, n);
    if (n <= max) {
      out.push(d);
      continue;
    }
    const o = over.get(key);
    if (!o) over.set(key, { first: d, n: 1, severity: d.severity });
    else {
      o.n++;
      if (severityRank[d.severity] < severityRank[o.severity]) o.severity = d.severity;
    }
  }
  for (const { first, n, severity } of over.values()) {
    out.push({
      file: first.file,
      line: first.line,
      column: first.column,
      endLine: first.endLine,
      endColumn: first.endColumn,
      severity,
      code: first.code,
      message: `${n} more ${first.code} finding${n === 1 ? "" : "s"} in this file, from here on, not shown (Kanaria reports at most ${max} per rule and file). Fix the ones above and check again.`,
    });
  }
  return out;
}
