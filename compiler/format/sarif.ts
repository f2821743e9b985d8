// SARIF 2.1.0, for code-scanning dashboards (GitHub code scanning, GitLab, Azure DevOps).
import type { Diagnostic } from "../diagnostics.ts";
import { RULES } from "../rules/index.ts";
import type { Rule } from "../rules/rule.ts";
import { VERSION } from "../version.ts";

const level = (s: Diagnostic["severity"]) => (s === "error" ? "error" : s === "warning" ? "warning" : "note");

const suppress = (r: Rule) => `# kanaria-disable-next-line ${r.id}`;

function helpText(r: Rule): string {
  return `${r.docs}\n\nExamples: examples/broken/${r.id}/ in the Kanaria repository. To accept one finding, put "${suppress(r)}" on the line above it.`;
}

function helpMarkdown(r: Rule): string {
  return `**${r.id}** (${r.severity}, ${r.phase} phase)\n\n${r.docs}\n\nExamples: \`examples/broken/${r.id}/\` in the Kanaria repository.\n\nTo accept one finding, put this on the line above it:\n\n\`\`\`yaml\n${suppress(r)}\n\`\`\``;
}

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
              // GitHub code scanning shows `help` beside every alert: what the rule checks, how to
              // fix it, and how to suppress one finding.
              help: { text: helpText(r), markdown: helpMarkdown(r) },
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
