// Turns ajv errors into diagnostics that point at the offending key or value and say how to
// fix it. ajv reports from the schema's point of view; users think in keys and values.
import type { ErrorObject } from "ajv";
import type { Diagnostic } from "../diagnostics.ts";
import type { DataPath, SourceFile } from "../source/source-file.ts";
import { closest } from "../text/closest.ts";

export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** Keywords that only say "one of the branches failed": their branches' errors say more. */
const COMBINATORS = new Set(["if", "oneOf", "anyOf", "allOf", "not", "then", "else"]);

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

function describePath(path: DataPath): string {
  if (path.length === 0) return "the document";
  return path.map((p) => (typeof p === "number" ? `[${p}]` : cut(p, 40))).join(".").replace(/\.\[/g, "[");
}

function hintFor(error: ErrorObject): string {
  const ref = error.schemaPath;
  if (ref.includes("/duration")) return ' Use a Go duration such as "30s", "5m" or "1h30m".';
  if (ref.includes("/percentage")) return ' Use a number from 0 to 100, e.g. 20 or "20%".';
  if (ref.includes("/v1Integer") || ref.includes("/v1Number")) return ' PipeCD v1 reads it as a plain number: write 20, not "20%".';
  if (ref.includes("/httpToken")) return " Header names and methods are HTTP tokens: letters, digits and !#$%&'*+-.^_`|~ only (no spaces, colons, line breaks or NUL bytes).";
  if (ref.includes("/httpHeaderValue")) return " A header value must not contain a line break (CR, LF) or a NUL byte: it would end the header, and the check's request would be refused at run time, failing the deployment.";
  if (ref.includes("/awsName")) return " Names, IDs and ARNs sent to AWS must not contain control characters (NUL, line breaks, tabs): AWS would reject the call mid-deployment.";
  return "";
}

/** A value as quoted in a message: JSON, cut to a line's length (a value may be a 1 MiB string). */
const shown = (value: unknown): string => cut(JSON.stringify(value) ?? String(value), 80);

function typeWord(t: unknown): string {
  const types = Array.isArray(t) ? t : [t];
  return types.map((x) => (x === "object" ? "a mapping" : x === "array" ? "a list" : x === "integer" ? "an integer" : `a ${x}`)).join(" or ");
}

function render(error: ErrorObject, path: DataPath): { path: DataPath; which: "key" | "value"; message: string } {
  const where = describePath(path);
  const p = error.params as Record<string, any>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(p.additionalProperty);
      const keyShown = cut(key, 60);
      const allowed = Object.keys((error.parentSchema as any)?.properties ?? {});
      const guess = closest(key, allowed);
      const hint = guess
        ? `Did you mean "${guess}"?`
        : allowed.length
          ? `Allowed keys: ${allowed.join(", ")}.`
          : "Remove it.";
      return { path: [...path, key], which: "key", message: `Unknown key "${keyShown}" in ${where}. ${hint}` };
    }
    case "required": {
      // The key's own description says what it is for (and, in a then-branch, why it is needed here).
      const about = (error.parentSchema as any)?.properties?.[p.missingProperty]?.description;
      return { path, which: "key", message: `Missing required key "${p.missingProperty}" in ${where}. Add it${typeof about === "string" ? `: ${about}` : "."}` };
    }
    case "enum": {
      const allowed = (p.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const guess = typeof error.data === "string" ? closest(error.data, (p.allowedValues as unknown[]).filter((v): v is string => typeof v === "string")) : null;
      return {
        path,
        which: "value",
        message: `${shown(error.data)} is not a valid value for ${where}. ${guess ? `Did you mean "${guess}"? ` : ""}Use one of ${allowed.join(", ")}.`,
      };
    }
    case "const": {
      // A fixed value's description says what it means (kind: ECSApp vs Application, plugin: ecs).
      const about = (error.parentSchema as any)?.description;
      return { path, which: "value", message: `${where} must be ${JSON.stringify(p.allowedValue)}; found ${shown(error.data)}.${typeof about === "string" ? ` ${about}` : ""}` };
    }
    case "type":
      return { path, which: "value", message: `${where} must be ${typeWord(p.type)}; found ${shown(error.data)}.${hintFor(error)}` };
    case "pattern":
      return { path, which: "value", message: `${shown(error.data)} is not valid for ${where}.${hintFor(error) || ` It must match ${p.pattern}.`}` };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { path, which: "value", message: `${where} ${error.message}; found ${shown(error.data)}.` };
    case "minItems":
      return { path, which: "value", message: `${where} needs at least ${p.limit} item(s).` };
    case "maxItems":
      // A list that must stay empty says why in its description (e.g. only the ecs plugin has deploy targets).
      if (p.limit === 0) return { path, which: "value", message: `${where} must be empty here. ${(error.parentSchema as any)?.description ?? ""}`.trim() };
      return { path, which: "value", message: `${where} takes at most ${p.limit} item(s).` };
    case "minLength":
      return { path, which: "value", message: `${where} must not be empty.` };
    default:
      return { path, which: "value", message: `${where} ${error.message ?? "is invalid"}.` };
  }
}

/**
 * Maps ajv errors to diagnostics. Combinator noise (if/oneOf/anyOf) is dropped when a more
 * specific error exists at or below the same place; one message per place and keyword.
 */
export function schemaDiagnostics(source: SourceFile, errors: ErrorObject[] | null | undefined): Diagnostic[] {
  if (!errors?.length) return [];
  const specific = errors.filter((e) => !COMBINATORS.has(e.keyword));
  const kept = errors.filter((e) => {
    if (!COMBINATORS.has(e.keyword)) return true;
    return !specific.some((s) => s.instancePath.startsWith(e.instancePath));
  });
  // oneOf branches of a union (e.g. number | percentage string) both fail: keep one message.
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of kept) {
    const r = render(e, pointerToPath(e.instancePath));
    const dedupeKey = `${JSON.stringify(r.path)}|${e.keyword === "type" || e.keyword === "pattern" ? "value" : e.keyword + r.message}`;
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);
    out.push({ file: source.path, ...source.rangeOf(r.path, r.which), severity: "error", code: "schema", message: r.message });
  }
  return out;
}
