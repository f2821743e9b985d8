// PipeCD's KEY_PAIR secret format (pkg/crypto hybrid encryption) with WebCrypto, so Bun and Deno
// run the same code: RSA-OAEP-SHA256 wraps a random 32-byte AES-256-GCM key that encrypts the text
// under an all-zero nonce (safe: each key encrypts one text). Layout: compiler/secrets/ciphertext.ts.
import { isCiphertextProblem, splitCiphertext } from "../../compiler/secrets/ciphertext.ts";

export class SecretKeyError extends Error {}

const ZERO_NONCE = new Uint8Array(12);

function pemBody(pem: string, label: string, what: string, hint: string): Uint8Array {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!m) {
    const found = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1];
    throw new SecretKeyError(`The ${what} must be a PEM block "-----BEGIN ${label}-----"${found ? `, not "${found}"` : ""}. ${hint}`);
  }
  const bin = atob(m[1].replace(/\s+/g, ""));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const RSA_OAEP = { name: "RSA-OAEP", hash: "SHA-256" } as const;

/** An RSA private key in PKCS#8 PEM (what `openssl genpkey` writes and PipeCD reads). */
export async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = pemBody(pem, "PRIVATE KEY", "private key", "Make one with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out private-key`, or convert an old one with `openssl pkcs8 -topk8 -nocrypt -in old.pem -out private-key`.");
  try {
    return await crypto.subtle.importKey("pkcs8", der as BufferSource, RSA_OAEP, false, ["decrypt"]);
  } catch {
    throw new SecretKeyError("The private key is not an RSA key in PKCS#8 form.");
  }
}

/** An RSA public key in SPKI PEM (`openssl pkey -in private-key -pubout`). */
export async function importPublicKey(pem: string): Promise<CryptoKey> {
  const der = pemBody(pem, "PUBLIC KEY", "public key", "Make it from the private key with `openssl pkey -in private-key -pubout -out public-key`.");
  try {
    return await crypto.subtle.importKey("spki", der as BufferSource, RSA_OAEP, false, ["encrypt"]);
  } catch {
    throw new SecretKeyError("The public key is not an RSA public key.");
  }
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export async function encryptSecret(publicKey: CryptoKey, text: string): Promise<string> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const wrapped = new Uint8Array(await crypto.subtle.encrypt(RSA_OAEP, publicKey, raw));
  const aesKey = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt"]);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: ZERO_NONCE }, aesKey, new TextEncoder().encode(text)));
  raw.fill(0);
  const out = new Uint8Array(2 + wrapped.length + sealed.length);
  out[0] = wrapped.length >> 8;
  out[1] = wrapped.length & 0xff;
  out.set(wrapped, 2);
  out.set(sealed, 2 + wrapped.length);
  return base64(out);
}

/** The plaintext; SecretKeyError (never showing any of the text) when it cannot be decrypted. */
export async function decryptSecret(privateKey: CryptoKey, ciphertext: string): Promise<string> {
  const parts = splitCiphertext(ciphertext);
  if (isCiphertextProblem(parts)) throw new SecretKeyError(`it is not a secret in PipeCD's format: ${parts.problem}`);
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(await crypto.subtle.decrypt(RSA_OAEP, privateKey, parts.rsa as BufferSource));
  } catch {
    throw new SecretKeyError("the private key cannot decrypt it (it was encrypted with another key pair's public key)");
  }
  if (raw.length !== 32) throw new SecretKeyError(`its key is ${raw.length} bytes, not the 32 of AES-256`);
  try {
    const aesKey = await crypto.subtle.importKey("raw", raw as BufferSource, "AES-GCM", false, ["decrypt"]);
    return new TextDecoder("utf-8", { fatal: true }).decode(await crypto.subtle.decrypt({ name: "AES-GCM", iv: ZERO_NONCE }, aesKey, parts.aes as BufferSource));
  } catch {
    throw new SecretKeyError("its AES-GCM part does not authenticate (it was altered or cut)");
  } finally {
    raw.fill(0);
  }
}
