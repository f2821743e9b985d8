// PipeCD renders decryption and attachment targets as Go templates: `{{ .encryptedSecrets.NAME }}`
// and `{{ .attachment.NAME }}` (or `{{ index .encryptedSecrets "NAME" }}`). Kanaria resolves them
// inside string values: the compiler inserts attachments, the runtime secrets at the AWS call.
// The compiler and the runtime share this one scanner so they agree on what a reference is.

export type ReferenceKind = "encryptedSecrets" | "attachment";

export interface Reference {
  /** null: an action that mentions `kind` but is not a plain reference (a pipe, a function). */
  name: string | null;
  kind: ReferenceKind;
  /** Offsets of the whole action `{{ ... }}` in the scanned text, after trim markers. */
  start: number;
  end: number;
  /** The action as written. */
  text: string;
}

const FIELD = /^\.(encryptedSecrets|attachment)\.([A-Za-z_][A-Za-z0-9_]*)$/;
const INDEX = /^index\s+\.(encryptedSecrets|attachment)\s+"([^"\\]*)"$/;
const MENTION = /\.(encryptedSecrets|attachment)\b/;

/** Every action in `text` that refers to `.encryptedSecrets` or `.attachment`, in order. Linear in the text's length. */
export function scanReferences(text: string): Reference[] {
  const out: Reference[] = [];
  for (let open = text.indexOf("{{"); open >= 0; ) {
    const close = text.indexOf("}}", open + 2);
    if (close < 0) break; // nothing later can close an action either
    let body = text.slice(open + 2, close);
    // `{{- ` / ` -}}` trim the whitespace around the action (Go's trim markers need the space).
    const trimLeft = /^-\s/.test(body);
    const trimRight = /\s-$/.test(body);
    body = body.slice(trimLeft ? 1 : 0, trimRight ? -1 : undefined).trim();
    const mention = MENTION.exec(body);
    if (mention) {
      const plain = FIELD.exec(body) ?? INDEX.exec(body);
      let start = open;
      let end = close + 2;
      if (trimLeft) while (start > 0 && /\s/.test(text[start - 1])) start--;
      if (trimRight) while (end < text.length && /\s/.test(text[end])) end++;
      out.push({ kind: (plain?.[1] ?? mention[1]) as ReferenceKind, name: plain ? plain[2] : null, start, end, text: text.slice(open, close + 2) });
    }
    open = text.indexOf("{{", close + 2);
  }
  return out;
}

/** `text` with each plain reference of `kind` replaced by `value(name)` (other text kept). */
export async function replaceReferences(text: string, kind: ReferenceKind, value: (name: string) => string | Promise<string>): Promise<string> {
  let out = "";
  let at = 0;
  for (const r of scanReferences(text)) {
    if (r.kind !== kind || r.name === null) continue;
    out += text.slice(at, r.start) + (await value(r.name));
    at = r.end;
  }
  return at === 0 ? text : out + text.slice(at);
}

/** Synchronous form of replaceReferences (attachments are known at compile time). */
export function replaceReferencesSync(text: string, kind: ReferenceKind, value: (name: string) => string): string {
  let out = "";
  let at = 0;
  for (const r of scanReferences(text)) {
    if (r.kind !== kind || r.name === null) continue;
    out += text.slice(at, r.start) + value(r.name);
    at = r.end;
  }
  return at === 0 ? text : out + text.slice(at);
}

/** Every string in a JSON-like value, with its path. */
export function* stringsIn(value: unknown, path: (string | number)[] = []): Generator<{ path: (string | number)[]; text: string }> {
  if (typeof value === "string") yield { path, text: value };
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* stringsIn(value[i], [...path, i]);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) yield* stringsIn(v, [...path, k]);
}

/** A copy of a JSON-like value with `f` applied to every string. */
export function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}

/** Names of the secrets a JSON-like value refers to. */
export function secretNamesIn(value: unknown): Set<string> {
  const names = new Set<string>();
  for (const s of stringsIn(value)) for (const r of scanReferences(s.text)) if (r.kind === "encryptedSecrets" && r.name !== null) names.add(r.name);
  return names;
}
