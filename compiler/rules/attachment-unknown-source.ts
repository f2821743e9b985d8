import type { RuleMeta } from "./rule.ts";
import { secretsApp, taskdefWithEnv } from "./fixtures.ts";

const attachment = "    sources:\n      config: config.json\n    targets:\n      - taskdef.yaml\n";
const files = { "config.json": '{"feature": true}\n' };

export default {
  id: "attachment-unknown-source",
  severity: "error",
  phase: "resolve",
  docs: "An attachment target refers to `{{ .attachment.NAME }}` (or `{{ index .attachment \"NAME\" }}`) that `spec.attachment.sources` does not define, or uses an expression Kanaria does not evaluate (a pipe or a function). Kanaria inserts each source file's whole text where its name is referenced, inside string values (an environment variable, a command), at compile time: the graph holds the content. A source file must be inside the repository (`file-outside-repository`) and readable (`file-not-found`). Fix the name, or add the source.",
  examples: {
    valid: [{ title: "a defined source", files: secretsApp({ attachment, taskdef: taskdefWithEnv("{{ .attachment.config }}"), files }) }],
    invalid: [{ title: "misspelt source name", files: secretsApp({ attachment, taskdef: taskdefWithEnv("{{ .attachment.confg }}"), files }), file: "taskdef.yaml", line: 16 }],
  },
} satisfies RuleMeta;
