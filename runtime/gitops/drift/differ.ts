// A field-level differ between what Git wants and what runs, with the semantics of PipeCD's
// `pkg/diff` as its ECS drift detector calls it (WithIgnoreAddingMapKeys, WithEquateEmpty,
// WithCompareNumberAndNumericString):
// - a field only the live side has is ignored: ECS fills in defaults and read-only fields
//   (registeredAt, revision, createdBy, a container's cpu 0...) that no file ever mentions;
// - absent, null, "", 0, false, [] and {} are all equal to each other;
// - a number equals the numeric string that spells it (task definitions' cpu "256" vs 256).
// Unlike PipeCD, lists whose order ECS does not keep or that users write in any order
// (environment, secrets, port mappings, tags, containers) are compared as keyed lists (`Keyed`):
// an entry missing on either side is a difference, and the path names the entry by its key
// (`containerDefinitions[web].environment[LOG_LEVEL]`) instead of by a shifting index.
// Child paths join with "." (object keys), "[key]" (keyed-list entries) or "[i]" (list items).
// Pure: no I/O.

/** A list compared by key: every entry on either side counts. */
export class Keyed extends Map<string, unknown> {}

/** A Git value that cannot be compared here (an encrypted secret without the key): skipped. */
export const UNCHECKED: unique symbol = Symbol("unchecked");

export interface DiffEntry {
  /** Dotted path; keyed-list entries in brackets, other list items by index: `a.b[web].c[0]`. */
  path: string;
  /** The value in Git (null: not set). */
  git: unknown;
  /** The value on ECS (null: not set). */
  live: unknown;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === "" || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (typeof v === "object") return Object.keys(v as object).length === 0;
  return false;
}

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function asNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && NUMERIC.test(v)) return Number(v);
  return undefined;
}

/** A value as it appears in a diff entry (keyed lists back to plain objects, absent as null). */
export function plain(v: unknown): unknown {
  if (v === undefined) return null;
  if (v === UNCHECKED) return "(not compared)";
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function diffInto(out: DiffEntry[], path: string, git: unknown, live: unknown, strict: boolean): void {
  if (git === UNCHECKED) return;
  if (isEmpty(git) && isEmpty(live)) return;
  if (git === undefined || git === null || live === undefined || live === null) {
    out.push({ path, git: plain(git), live: plain(live) });
    return;
  }
  const gn = asNumber(git);
  const ln = asNumber(live);
  if (gn !== undefined && ln !== undefined && (typeof git === "number" || typeof live === "number")) {
    if (gn !== ln) out.push({ path, git, live });
    return;
  }
  if (git instanceof Map && live instanceof Map) {
    for (const [k, g] of git) {
      if (live.has(k) || g === UNCHECKED) diffInto(out, `${path}[${k}]`, g, live.get(k), strict);
      else out.push({ path: `${path}[${k}]`, git: plain(g), live: null });
    }
    for (const [k, l] of live) if (!git.has(k)) out.push({ path: `${path}[${k}]`, git: null, live: plain(l) });
    return;
  }
  if (Array.isArray(git) && Array.isArray(live)) {
    const n = Math.max(git.length, live.length);
    for (let i = 0; i < n; i++) {
      // PipeCD reports items past the shorter list even when they are empty values.
      if (i >= git.length || i >= live.length) out.push({ path: `${path}[${i}]`, git: plain(git[i]), live: plain(live[i]) });
      else diffInto(out, `${path}[${i}]`, git[i], live[i], strict);
    }
    return;
  }
  const gObj = typeof git === "object" && !Array.isArray(git) && !(git instanceof Map);
  const lObj = typeof live === "object" && !Array.isArray(live) && !(live instanceof Map);
  if (gObj && lObj) {
    // Keys only the live side has are ECS's business (defaults, read-only fields), unless both
    // sides come from files (strict: Git at two revisions).
    for (const [k, g] of Object.entries(git as object)) diffInto(out, join(path, k), g, (live as Record<string, unknown>)[k], strict);
    if (strict) for (const [k, l] of Object.entries(live as object)) if (!(k in (git as object))) diffInto(out, join(path, k), undefined, l, strict);
    return;
  }
  if (typeof git !== typeof live || gObj || lObj || Array.isArray(git) !== Array.isArray(live) || (git instanceof Map) !== (live instanceof Map)) {
    out.push({ path, git: plain(git), live: plain(live) });
    return;
  }
  if (git !== live) out.push({ path, git, live });
}

/**
 * The differences between Git's value and the live one, in Git's key order. `strict`: the
 * "live" side is Git too (another revision), so keys only it has count as well.
 */
export function diffValues(git: unknown, live: unknown, path = "", strict = false): DiffEntry[] {
  const out: DiffEntry[] = [];
  diffInto(out, path, git, live, strict);
  return out;
}
