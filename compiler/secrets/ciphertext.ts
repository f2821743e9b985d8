// The shape of a secret encrypted for PipeCD's KEY_PAIR secret management (pkg/crypto's hybrid
// scheme): base64( uint16 big-endian length n ‖ n bytes of RSA-OAEP-SHA256 of a 32-byte AES key
// ‖ AES-256-GCM of the text under that key with an all-zero nonce, tag appended ). The compiler
// checks the shape without any key; the runtime (runtime/secrets/hybrid.ts) decrypts.

export interface CiphertextParts {
  rsa: Uint8Array;
  aes: Uint8Array;
}

/** RSA ciphertext is as long as the key's modulus: 1024 to 8192-bit keys. */
const MIN_RSA = 128;
const MAX_RSA = 1024;
const GCM_TAG = 16;

function decodeBase64(text: string): Uint8Array | null {
  // Go's StdEncoding skips CR and LF (a folded YAML value may carry them); nothing else.
  const s = text.replace(/[\r\n]/g, "");
  if (s.length === 0 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The RSA and AES parts, or why the text cannot be such a secret. */
export function splitCiphertext(text: string): CiphertextParts | { problem: string } {
  const bytes = decodeBase64(text);
  if (!bytes) return { problem: "it is not standard base64 (A-Z, a-z, 0-9, +, / with = padding)" };
  if (bytes.length < 2) return { problem: "it is too short" };
  const n = (bytes[0] << 8) | bytes[1];
  if (n < MIN_RSA || n > MAX_RSA) return { problem: `its first two bytes give an RSA part of ${n} bytes, not the ${MIN_RSA}–${MAX_RSA} bytes of a 1024–8192-bit key` };
  if (bytes.length < 2 + n + GCM_TAG) return { problem: `it holds ${bytes.length} bytes, fewer than the ${2 + n + GCM_TAG} its RSA part of ${n} bytes and an AES-GCM tag need (it was cut short)` };
  return { rsa: bytes.subarray(2, 2 + n), aes: bytes.subarray(2 + n) };
}

export const isCiphertextProblem = (r: CiphertextParts | { problem: string }): r is { problem: string } => "problem" in r;
