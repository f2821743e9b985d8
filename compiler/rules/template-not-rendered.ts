import type { RuleMeta } from "./rule.ts";
import { encryptionOf, secretsApp, taskdefWithEnv } from "./fixtures.ts";

export default {
  id: "template-not-rendered",
  severity: "error",
  phase: "resolve",
  docs: "A file the app uses refers to `{{ .encryptedSecrets.NAME }}` or `{{ .attachment.NAME }}`, but is not listed in `spec.encryption.decryptionTargets` (or `spec.attachment.targets`). PipeCD (and Kanaria) render only the files listed there, so the reference would reach AWS as literal text: a container would start with the password `{{ .encryptedSecrets.db }}`. Add the file to the list. Also reported: a reference written as a bare YAML value (`value: {{ .encryptedSecrets.db }}`), which YAML reads as a mapping, not text; PipeCD renders the file before parsing it, Kanaria replaces references inside string values: put it in quotes.",
  examples: {
    valid: [{ title: "the task definition is a decryption target", files: secretsApp({ encryption: encryptionOf(["taskdef.yaml"]), taskdef: taskdefWithEnv("{{ .encryptedSecrets.dbPassword }}") }) }],
    invalid: [
      { title: "the secret is used in the task definition, the service definition is listed", files: secretsApp({ encryption: encryptionOf(["servicedef.yaml"]), taskdef: taskdefWithEnv("{{ .encryptedSecrets.dbPassword }}") }), file: "taskdef.yaml", line: 16 },
      { title: "no encryption section at all", files: secretsApp({ taskdef: taskdefWithEnv("{{ .encryptedSecrets.dbPassword }}") }), file: "taskdef.yaml", line: 16 },
      {
        title: "a reference without quotes",
        files: secretsApp({ encryption: encryptionOf(["taskdef.yaml"]), taskdef: taskdefWithEnv("{{ .encryptedSecrets.dbPassword }}").replace('"{{ .encryptedSecrets.dbPassword }}"', "{{ .encryptedSecrets.dbPassword }}") }),
        file: "taskdef.yaml",
        line: 16,
      },
    ],
  },
} satisfies RuleMeta;
