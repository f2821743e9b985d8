// GitHub push webhooks: the signature check (X-Hub-Signature-256, HMAC-SHA256 of the raw body
// with the shared secret) and which watched repositories a push is about. Pure but for the
// HMAC, which is web crypto.
import { timingSafeEqual } from "node:crypto";
import { hmacSha256Hex } from "../notifications/receivers/webhook.ts";

/** Whether the header is `sha256=<hex>` of the body under the secret (constant-time compare). */
export async function signatureMatches(secret: string, body: string, header: string | undefined | null): Promise<boolean> {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? "");
  if (!m) return false;
  const expected = new TextEncoder().encode(await hmacSha256Hex(secret, body));
  return timingSafeEqual(expected, new TextEncoder().encode(m[1].toLowerCase()));
}

/** host/owner/name of a remote URL or scp-like address, lower case, without `.git`; paths as given. */
export function remoteKey(remote: string): string {
  let r = remote.trim().replace(/\/+$/, "").replace(/\.git$/, "");
  const scp = /^[^/@]+@([^/:]+):(.+)$/.exec(r);
  if (scp) r = `${scp[1]}/${scp[2]}`;
  else r = r.replace(/^[a-z][a-z0-9+.-]*:\/\/(?:[^/@]*@)?/i, "");
  return r.toLowerCase();
}

export interface PushEvent {
  branch: string | null;
  /** owner/name and the URLs GitHub gives for the repository. */
  fullName: string | null;
  urls: string[];
}

export function pushEvent(payload: unknown): PushEvent {
  const p = (payload ?? {}) as Record<string, any>;
  const ref = typeof p.ref === "string" ? p.ref : "";
  const repo = (p.repository ?? {}) as Record<string, unknown>;
  const urls = ["clone_url", "ssh_url", "git_url", "html_url", "url"].map((k) => repo[k]).filter((u): u is string => typeof u === "string");
  return { branch: ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null, fullName: typeof repo.full_name === "string" ? repo.full_name : null, urls };
}

/** The watched repositories the push is about: same remote (or ending in owner/name) and branch. */
export function matchingRepos<T extends { repoId: string; remote: string; branch: string }>(repos: T[], e: PushEvent): T[] {
  const keys = new Set(e.urls.map(remoteKey));
  const name = e.fullName?.toLowerCase();
  return repos.filter((r) => {
    if (r.branch !== e.branch) return false;
    const k = remoteKey(r.remote);
    return keys.has(k) || (!!name && (k === name || k.endsWith(`/${name}`)));
  });
}
