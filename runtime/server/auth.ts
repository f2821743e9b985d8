// Bearer-token check for state-changing endpoints (constant-time comparison).
import { timingSafeEqual, createHash } from "node:crypto";

export function tokenMatches(expected: string | null, header: string | undefined | null): boolean {
  if (!expected) return false;
  const m = /^Bearer\s+(.+)$/i.exec(header ?? "");
  if (!m) return false;
  // Hash both sides so the comparison is constant-time regardless of length.
  const a = createHash("sha256").update(m[1].trim()).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
