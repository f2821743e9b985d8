import type { RuleMeta } from "./rule.ts";
import { secretsApp, taskdefWithEnv } from "./fixtures.ts";

const attachment = (target: string) => `    sources:\n      config: config.json\n    targets:\n      - ${target}\n`;
const files = { "config.json": '{"feature": true}\n' };

export default {
  id: "attachment-target-unused",
  severity: "error",
  phase: "resolve",
  docs: "An entry of `spec.attachment.targets` is not a file this app uses: not its `serviceDefinitionFile`, its `taskDefinitionFile` or one of its attachment sources (paths relative to the app's folder). Attaching into a file nothing reads changes nothing, and the file that refers to the attachment is then left with the literal `{{ .attachment.NAME }}`. Fix the path, or remove the entry.",
  examples: {
    valid: [{ title: "the task definition", files: secretsApp({ attachment: attachment("taskdef.yaml"), taskdef: taskdefWithEnv("{{ .attachment.config }}"), files }) }],
    invalid: [{ title: "a file the app does not use", files: secretsApp({ attachment: attachment("task-def.yaml"), files }), line: 37 }],
  },
} satisfies RuleMeta;
