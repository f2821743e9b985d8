// GitHub Actions workflow commands: each diagnostic becomes an annotation on the PR diff.
import type { Diagnostic } from "../diagnostics.ts";

const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProp = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

export function formatGithub(diagnostics: Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const level = d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "notice";
      // GitHub takes columns only for a range on one line (its toolkit refuses col/endColumn when
      // line and endLine differ): a multi-line range is annotated by its lines.
      // A range that ends at column 1 ends on the line before (the end is exclusive).
      const endLine = d.endLine > d.line && d.endColumn === 1 ? d.endLine - 1 : d.endLine;
      const oneLine = d.line === endLine;
      const props = [
        `file=${escapeProp(d.file)}`,
        `line=${d.line}`,
        ...(oneLine ? [`col=${d.column}`] : []),
        `endLine=${endLine}`,
        ...(oneLine ? [`endColumn=${d.endColumn}`] : []),
        `title=${escapeProp(`kanaria ${d.code}`)}`,
      ].join(",");
      return `::${level} ${props}::${escapeData(d.message)}`;
    })
    .join("\n");
}
