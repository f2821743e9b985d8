// `kanaria encrypt --public-key FILE` (or `--config runtime.yaml`, its secretManagement public
// key): reads a secret on stdin and prints it encrypted in PipeCD's format, for
// spec.encryption.encryptedSecrets, like `pipectl encrypt` or PipeCD's web console. The value is
// never echoed and never written anywhere but stdout.
import { stdin, stdout } from "node:process";
import { readInputFile } from "../../compiler/cli/fs-reader.ts";
import { flagString as str, parseArgs, UsageError } from "../../compiler/cli/args.ts";
import { ConfigError, loadSettings } from "./config.ts";
import { encryptSecret, importPublicKey, SecretKeyError } from "../secrets/hybrid.ts";

const USAGE = `Usage: kanaria encrypt (--public-key FILE | --config runtime.yaml) < secret

Encrypts the secret read on stdin with the runtime's public key and prints the result, for
spec.encryption.encryptedSecrets in app.pipecd.yaml. A single trailing newline is dropped
(\`echo\` adds one); pass --keep-newline to keep it.

Options:
  --public-key FILE   the RSA public key (PEM, "-----BEGIN PUBLIC KEY-----")
  --config FILE       the runtime config; its secretManagement.config.publicKeyFile
  --keep-newline      encrypt the input exactly as read
  -h, --help          this help

Exit status: 0 printed, 2 usage error or unusable key.`;

async function readStdin(): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const c of stdin) chunks.push(typeof c === "string" ? new TextEncoder().encode(c) : (c as Uint8Array));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) (out.set(c, at), (at += c.length));
  return out;
}

export async function encryptCommand(args: string[]): Promise<number> {
  let keyFile: string;
  let keep = false;
  try {
    const p = parseArgs(args, { booleans: ["help", "keep-newline"], values: ["public-key", "config"] });
    if (p.flags.has("help")) {
      console.log(USAGE);
      return 0;
    }
    if (p.positionals.length) throw new UsageError("the secret is read on stdin, not from the command line (where it would land in shell history)");
    keep = p.flags.has("keep-newline");
    const direct = str(p, "public-key");
    const config = str(p, "config");
    if (direct && config) throw new UsageError("give --public-key or --config, not both");
    if (direct) keyFile = direct;
    else if (config) {
      const settings = loadSettings(config);
      if (!settings.publicKeyFile) throw new ConfigError(`${config} has no spec.secretManagement.config.publicKeyFile.`);
      keyFile = settings.publicKeyFile;
    } else throw new UsageError("missing --public-key FILE (or --config runtime.yaml)");
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      console.error(`kanaria encrypt: ${e.message}\n\n${e instanceof UsageError ? USAGE : ""}`.trimEnd());
      return 2;
    }
    throw e;
  }
  const pem = readInputFile(keyFile);
  if (typeof pem !== "string") {
    console.error(`kanaria encrypt: cannot read the public key ${keyFile}: ${pem === null ? "no such file" : pem.unreadable}`);
    return 2;
  }
  let key: CryptoKey;
  try {
    key = await importPublicKey(pem);
  } catch (e) {
    if (!(e instanceof SecretKeyError)) throw e;
    console.error(`kanaria encrypt: ${keyFile}: ${e.message}`);
    return 2;
  }
  let bytes = await readStdin();
  if (!keep && bytes.at(-1) === 0x0a) bytes = bytes.subarray(0, bytes.at(-2) === 0x0d ? -2 : -1);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    console.error("kanaria encrypt: the secret on stdin is not UTF-8 text; base64-encode binary data first.");
    return 2;
  }
  if (text.length === 0) {
    console.error("kanaria encrypt: nothing on stdin; pipe the secret in: `kanaria encrypt --public-key public-key < secret.txt`.");
    return 2;
  }
  stdout.write(`${await encryptSecret(key, text)}\n`);
  return 0;
}
