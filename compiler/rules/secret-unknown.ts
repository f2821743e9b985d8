import type { RuleMeta } from "./rule.ts";
import { encryptionOf, secretsApp, taskdefWithEnv } from "./fixtures.ts";

export default {
  id: "secret-unknown",
  severity: "error",
  phase: "resolve",
  docs: "A decryption target refers to a secret with `{{ .encryptedSecrets.NAME }}` (or `{{ index .encryptedSecrets \"NAME\" }}`) that `spec.encryption.encryptedSecrets` does not define, or uses a Go-template expression Kanaria does not evaluate (a pipe or a function such as `| b64enc`). PipeCD fails such a deployment when it renders the file; Kanaria says so before it starts. References are replaced inside string values, in the service definition, the task definition and attachment sources. Fix the name, or add the secret (`kanaria encrypt --public-key FILE`).",
  examples: {
    valid: [
      { title: "a defined secret", files: secretsApp({ encryption: encryptionOf(["taskdef.yaml"]), taskdef: taskdefWithEnv("{{ .encryptedSecrets.dbPassword }}") }) },
      {
        title: "a secret inside an attached file that is a decryption target (PipeCD's example)",
        files: secretsApp({
          encryption: encryptionOf(["config.yaml"]),
          attachment: "    sources:\n      config: config.yaml\n    targets:\n      - taskdef.yaml\n",
          taskdef: taskdefWithEnv("{{ .attachment.config }}"),
          files: { "config.yaml": "database:\n  password: \"{{ .encryptedSecrets.dbPassword }}\"\n" },
        }),
      },
    ],
    invalid: [
      { title: "misspelt secret name", files: secretsApp({ encryption: encryptionOf(["taskdef.yaml"]), taskdef: taskdefWithEnv("{{ .encryptedSecrets.dbPasword }}") }), file: "taskdef.yaml", line: 16 },
      { title: "a pipe Kanaria does not evaluate", files: secretsApp({ encryption: encryptionOf(["taskdef.yaml"]), taskdef: taskdefWithEnv("{{ .encryptedSecrets.dbPassword | b64enc }}") }), file: "taskdef.yaml", line: 16 },
    ],
  },
} satisfies RuleMeta;
