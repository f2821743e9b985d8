// GitHub Actions workflow commands: each diagnostic becomes an annotation on the PR diff.
import type { Diagnostic } from "../diagnostics.ts";

const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProp = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

export function formatGithub(diagnostics: Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const level = d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "notice";
      const props = [
        `file=${escapeProp(d.file)}`,
        `line=${d.line}`,
        `col=${d.column}`,
        `endLine=${d.endLine}`,
        `endColumn=${d.endColumn}`,
        `title=${escapeProp(`kanaria ${d.code}`)}`,
      ].join(",");
      return `::${level} ${props}::${escapeData(d.message)}`;
    })
    .join("\n");
}
