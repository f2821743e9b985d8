import type { RuleMeta } from "./rule.ts";
import { EXAMPLE_CIPHERTEXT, encryptionOf, secretsApp, taskdefWithEnv } from "./fixtures.ts";

const ref = "{{ .encryptedSecrets.dbPassword }}";

export default {
  id: "secret-ciphertext",
  severity: "error",
  phase: "resolve",
  docs: "A value in `spec.encryption.encryptedSecrets` is not a secret encrypted for a PipeCD key pair. PipeCD's format (and Kanaria's, so secrets move between the two unchanged) is base64 of: a 2-byte big-endian length n, n bytes of RSA-OAEP-SHA256 of a random 32-byte key, then AES-256-GCM of the text under that key. The compiler has no private key, so it checks the shape: standard base64, an RSA part of 128–1024 bytes (a 1024–8192-bit key), and room for the 16-byte GCM tag after it. A value pasted in plain text, cut short, or encrypted some other way would only fail when the runtime decrypts it, in the middle of a deployment. Encrypt the value again with `kanaria encrypt --public-key FILE` (or PipeCD's console, `pipectl encrypt`) and paste the whole output.",
  examples: {
    valid: [{ title: "a well-formed secret", files: secretsApp({ encryption: encryptionOf(["taskdef.yaml"], EXAMPLE_CIPHERTEXT), taskdef: taskdefWithEnv(ref) }) }],
    invalid: [
      { title: "a plain base64 value, not encrypted", files: secretsApp({ encryption: encryptionOf(["taskdef.yaml"], "c3VwZXItc2VjcmV0"), taskdef: taskdefWithEnv(ref) }), line: 35 },
      { title: "cut short when pasted", files: secretsApp({ encryption: encryptionOf(["taskdef.yaml"], EXAMPLE_CIPHERTEXT.slice(0, 300)), taskdef: taskdefWithEnv(ref) }), line: 35 },
    ],
  },
} satisfies RuleMeta;
