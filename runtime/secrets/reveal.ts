// Secrets reach AWS and nothing else: a deployment's ECS API is wrapped so that a command whose
// input refers to `{{ .encryptedSecrets.NAME }}` is rebuilt, just before it is sent, with the
// plaintext decrypted for that one call. What the journal, the store and the events see is the
// command as the stages wrote it (references only); an AWS error that quotes a value is masked.
import type { AwsApi } from "../aws/call.ts";
import { maskSecrets } from "../executor/graph-redaction.ts";
import { mapStrings, replaceReferencesSync, secretNamesIn } from "../../compiler/secrets/references.ts";
import type { SecretKeyring } from "./keyring.ts";
import { SecretKeyError } from "./hybrid.ts";

export class MissingSecretError extends SecretKeyError {}

/** Why `names` cannot be decrypted by this runtime (missing ciphertext or no key), else null. */
export function secretsProblem(names: Iterable<string>, secrets: Record<string, string> | undefined, keyring: SecretKeyring | null): string | null {
  const list = [...names];
  if (list.length === 0) return null;
  const missing = list.filter((n) => secrets?.[n] === undefined);
  if (missing.length) return `The graph refers to encrypted secret${missing.length > 1 ? "s" : ""} ${missing.map((n) => `"${n}"`).join(", ")} but carries no ciphertext for ${missing.length > 1 ? "them" : "it"} (graph.secrets). Compile the app again.`;
  if (!keyring) return `The app uses encrypted secrets (${list.map((n) => `"${n}"`).join(", ")}), but the runtime config has no secretManagement key pair to decrypt them. Add spec.secretManagement {type: KEY_PAIR, config: {privateKeyFile: ...}}.`;
  return null;
}

export function revealingApi(api: AwsApi, secrets: Record<string, string> | undefined, keyring: SecretKeyring | null): AwsApi {
  return {
    service: api.service,
    async call(command, options) {
      const input = command?.input;
      const names = secretNamesIn(input);
      if (names.size === 0) return api.call(command, options);
      const problem = secretsProblem(names, secrets, keyring);
      if (problem) throw new MissingSecretError(problem);
      const plain = new Map<string, string>();
      for (const n of names) plain.set(n, await keyring!.decrypt(n, secrets![n]));
      const revealed = mapStrings(input, (s) => replaceReferencesSync(s, "encryptedSecrets", (n) => plain.get(n) ?? ""));
      const Command = command.constructor as new (input: unknown) => unknown;
      try {
        return await api.call(new Command(revealed), options);
      } catch (e) {
        if (e instanceof Error) e.message = maskSecrets(e.message, [...plain.values()]);
        throw e;
      } finally {
        plain.clear();
      }
    },
  };
}
