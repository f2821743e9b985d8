import type { RuleMeta } from "./rule.ts";
import { encryptionOf, secretsApp, SERVICEDEF } from "./fixtures.ts";

const servicedef = `${SERVICEDEF}tags:\n  - key: owner\n    value: "{{ .encryptedSecrets.dbPassword }}"\n`;

export default {
  id: "decryption-target-unused",
  severity: "error",
  phase: "resolve",
  docs: "An entry of `spec.encryption.decryptionTargets` is not a file this app uses: not its `serviceDefinitionFile`, its `taskDefinitionFile` or one of its `spec.attachment.sources`. Paths are relative to the app's folder. Decrypting into a file nothing reads changes nothing, and usually means a typo, while the file that does refer to the secret is left out (then `template-not-rendered` fires there too). Fix the path, or remove the entry.",
  examples: {
    valid: [{ title: "the service definition", files: secretsApp({ encryption: encryptionOf(["servicedef.yaml"]), servicedef }) }],
    invalid: [{ title: "a misspelt file name", files: secretsApp({ encryption: encryptionOf(["servicedef.yml"]) }), line: 37 }],
  },
} satisfies RuleMeta;
