// The runtime's private key (runtime config `secretManagement`), imported once and used only to
// decrypt a graph's secrets at the moment of an AWS call. It never decrypts into anything stored.
import { decryptSecret, importPrivateKey, SecretKeyError } from "./hybrid.ts";

export class SecretKeyring {
  private key: Promise<CryptoKey> | null = null;

  /**
   * `file`: the private key's path, for messages; `read`: its text, read when first needed (a
   * client that only compiles and submits, `kanaria deploy --server`, never reads it).
   */
  constructor(
    readonly file: string,
    private readonly read: () => string,
  ) {}

  /** Imports the key now (so a bad key file is reported at start, not at the first deployment). */
  async ready(): Promise<void> {
    try {
      await this.cryptoKey();
    } catch (e) {
      throw new SecretKeyError(`secretManagement.config.privateKeyFile ${this.file}: ${(e as Error).message}`);
    }
  }

  private cryptoKey(): Promise<CryptoKey> {
    if (!this.key) {
      this.key = Promise.resolve().then(() => importPrivateKey(this.read()));
      this.key.catch(() => (this.key = null));
    }
    return this.key;
  }

  /** The secret `name`'s plaintext; the error names the secret, never any of its text. */
  async decrypt(name: string, ciphertext: string): Promise<string> {
    try {
      return await decryptSecret(await this.cryptoKey(), ciphertext);
    } catch (e) {
      throw new SecretKeyError(`Cannot decrypt the secret "${name}" with ${this.file}: ${(e as Error).message}.`);
    }
  }
}
