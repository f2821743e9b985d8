// SARIF 2.1.0, for code-scanning dashboards (GitHub code scanning, GitLab, Azure DevOps).
import type { Diagnostic } from "../diagnostics.ts";
import { RULES } from "../rules/index.ts";
import { VERSION } from "../version.ts";

const level = (s: Diagnostic["severity"]) => (s === "error" ? "error" : s === "warning" ? "warning" : "note");

export function formatSarif(diagnostics: Diagnostic[]): string {
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "kanaria",
            version: VERSION,
            informationUri: "https://github.com/kanaria-dev/kanaria",
            rules: RULES.map((r) => ({
              id: r.id,
              shortDescription: { text: r.docs.split(". ")[0] + "." },
              fullDescription: { text: r.docs },
              defaultConfiguration: { level: level(r.severity) },
            })),
          },
        },
        results: diagnostics.map((d) => ({
          ruleId: d.code,
          level: level(d.severity),
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: d.file },
                region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
