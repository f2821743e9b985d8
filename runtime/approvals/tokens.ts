// Approver tokens (server.approvers.tokensFile): a YAML or JSON map `token: approver name`.
// Lookups compare the SHA-256 of the presented token with every entry in constant time, so
// neither the length nor the content of a valid token leaks through timing.
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export class ApproverTokens {
  private readonly entries: { hash: Uint8Array; name: string }[];

  constructor(map: Record<string, string>) {
    this.entries = Object.entries(map).map(([token, name]) => ({ hash: sha256(token), name }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The approver a token belongs to, or null. */
  lookup(token: string | null | undefined): string | null {
    const h = sha256(token ?? "");
    let found: string | null = null;
    for (const e of this.entries) {
      if (timingSafeEqual(h, e.hash) && token) found = e.name;
    }
    return found;
  }

  /** From an `Authorization: Bearer <token>` header. */
  fromHeader(header: string | null | undefined): string | null {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
    return m ? this.lookup(m[1]) : null;
  }
}

function sha256(s: string): Uint8Array {
  return createHash("sha256").update(s).digest();
}

export function parseApproverTokens(text: string, source = "approver tokens"): ApproverTokens {
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid YAML/JSON: ${(e as Error).message}`);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new Error(`${source}: expected a map of token: approver name.`);
  const map: Record<string, string> = {};
  for (const [token, name] of Object.entries(data as Record<string, unknown>)) {
    if (typeof name !== "string" || !name.trim()) throw new Error(`${source}: the approver name of a token must be a non-empty string.`);
    if (token.length < 16) throw new Error(`${source}: token for ${name} is shorter than 16 characters; use a long random string.`);
    map[token] = name.trim();
  }
  return new ApproverTokens(map);
}

export function loadApproverTokens(path: string): ApproverTokens {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`Cannot read the approver tokens file ${path}: ${(e as Error).message}`);
  }
  return parseApproverTokens(text, path);
}
