// `# kanaria-disable-next-line <id>[, <id>...]` silences those rules on the following line.
// Without ids it silences every rule on that line.
import type { Diagnostic } from "../diagnostics.ts";

const DIRECTIVE = /(?:^|\s)#\s*kanaria-disable-next-line(?:\s+([A-Za-z0-9_,\s-]+?))?\s*$/;

export function suppressedLines(text: string): Map<number, Set<string> | "all"> {
  const out = new Map<number, Set<string> | "all">();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]);
    if (!m) continue;
    const ids = m[1]?.split(/[\s,]+/).filter(Boolean) ?? [];
    // The directive covers the next line of YAML; line numbers are 1-based, so that is i + 2.
    out.set(i + 2, ids.length ? new Set(ids) : "all");
  }
  return out;
}

export function applySuppressions(diagnostics: Diagnostic[], textsByFile: Map<string, string>): Diagnostic[] {
  const cache = new Map<string, Map<number, Set<string> | "all">>();
  return diagnostics.filter((d) => {
    // Parse errors can't be silenced: the file isn't understood at all.
    if (d.code === "yaml-syntax") return true;
    const text = textsByFile.get(d.file);
    if (text === undefined) return true;
    let lines = cache.get(d.file);
    if (!lines) cache.set(d.file, (lines = suppressedLines(text)));
    const rule = lines.get(d.line);
    return !(rule === "all" || rule?.has(d.code));
  });
}
