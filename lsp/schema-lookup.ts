// JSON-schema navigation for hover and completion: which subschemas apply at a data path,
// following $ref, allOf, anyOf/oneOf, if/then on sibling values (a stage's `with` depends on its
// `name`), items and additionalProperties. Schemas load lazily: diagnostics never need them.
import { readFileSync } from "node:fs";
import { isPipecdV1Text, type SchemaKind } from "./file-kind.ts";

export type Schema = Record<string, any>;
/** Reads a sibling value of the object being looked at (for `if` conditions); null if unknown. */
export type SiblingReader = ((key: string) => string | undefined) | null;

export type { SchemaKind };
/** A schema file: the kinds, and an app in PipeCD v1's format (same kind "app", its own schema). */
export type SchemaFile = SchemaKind | "appV1";

const FILES: Record<SchemaFile, string> = {
  app: "app.schema.json",
  appV1: "app-v1.schema.json",
  service: "ecs-service.schema.json",
  taskDefinition: "ecs-taskdef.schema.json",
  runtime: "runtime.schema.json",
};

const cache = new Map<SchemaFile, Schema>();

const readSchema = (file: string): Schema => JSON.parse(readFileSync(new URL(`../schema/${file}`, import.meta.url), "utf8")) as Schema;

/**
 * A schema with the definitions it takes from other files ("app.schema.json#/$defs/X") copied
 * into its own $defs, so every $ref is local ("#/$defs/X"). Their names never collide: the v1
 * app schema's own definitions are all V1-prefixed.
 */
function bundled(schema: Schema): Schema {
  const defs: Record<string, Schema> = { ...(schema.$defs ?? {}) };
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== "object") return node;
    const out: Schema = {};
    for (const [k, v] of Object.entries(node)) {
      const m = k === "$ref" && typeof v === "string" ? /^([^#]+\.json)#\/\$defs\/(.+)$/.exec(v) : null;
      if (m) {
        for (const [name, def] of Object.entries<Schema>(readSchema(m[1]).$defs ?? {})) if (!(name in defs)) defs[name] = def;
        out[k] = `#/$defs/${m[2]}`;
      } else out[k] = rewrite(v);
    }
    return out;
  };
  const root = rewrite(schema) as Schema;
  return { ...root, $defs: { ...defs, ...(root.$defs as Record<string, Schema>) } };
}

export function rootSchema(kind: SchemaFile): Schema {
  let s = cache.get(kind);
  if (!s) {
    s = bundled(readSchema(FILES[kind]));
    cache.set(kind, s);
  }
  return s;
}

/** The schema of a document of this kind with this text (an app may be in PipeCD v1's format). */
export function schemaFor(kind: SchemaKind, text: string): Schema {
  return rootSchema(kind === "app" && isPipecdV1Text(text) ? "appV1" : kind);
}

function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith("#/")) return undefined;
  let cur: any = root;
  for (const part of ref.slice(2).split("/")) cur = cur?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  return cur && typeof cur === "object" ? cur : undefined;
}

/** true / false when the `if` can be decided from sibling values, undefined when not. */
function decideIf(cond: Schema, read: SiblingReader): boolean | undefined {
  if (!read || !cond.properties) return undefined;
  for (const [k, sub] of Object.entries<Schema>(cond.properties)) {
    if (!sub || typeof sub !== "object" || !("const" in sub || "enum" in sub)) return undefined;
    const v = read(k);
    if (v === undefined) {
      if ((cond.required ?? []).includes(k)) return false;
      continue;
    }
    const allowed = "const" in sub ? [sub.const] : sub.enum;
    if (!allowed.map(String).includes(v)) return false;
  }
  return true;
}

/** Every subschema that applies to one value, the given ones first. */
export function expand(root: Schema, schemas: Schema[], read: SiblingReader): Schema[] {
  const out: Schema[] = [];
  const seen = new Set<Schema>();
  const visit = (s: unknown) => {
    if (!s || typeof s !== "object" || seen.has(s as Schema)) return;
    const sc = s as Schema;
    seen.add(sc);
    out.push(sc);
    if (typeof sc.$ref === "string") visit(resolveRef(root, sc.$ref));
    for (const a of sc.allOf ?? []) visit(a);
    for (const a of [...(sc.anyOf ?? []), ...(sc.oneOf ?? [])]) visit(a);
    if (sc.if) {
      const d = decideIf(sc.if, read);
      if (d !== false) visit(sc.then);
      if (d !== true) visit(sc.else);
    }
  };
  for (const s of schemas) visit(s);
  return out;
}

/** Schemas of the property `key` of an object described by (already expanded) `schemas`. */
export function propertySchemas(schemas: Schema[], key: string): Schema[] {
  const direct = schemas.map((s) => s.properties?.[key]).filter(Boolean) as Schema[];
  if (direct.length) return direct;
  for (const s of schemas) {
    for (const [pattern, sub] of Object.entries<Schema>(s.patternProperties ?? {})) {
      try {
        if (new RegExp(pattern, "u").test(key)) return [sub];
      } catch {
        /* not a JS regex: ignore */
      }
    }
  }
  return schemas.map((s) => s.additionalProperties).filter((a) => a && typeof a === "object") as Schema[];
}

export function itemSchemas(schemas: Schema[], index: number): Schema[] {
  return schemas.flatMap((s) => {
    if (Array.isArray(s.prefixItems) && index < s.prefixItems.length) return [s.prefixItems[index]];
    return s.items && typeof s.items === "object" ? [s.items] : [];
  });
}

/**
 * The expanded schemas of the value at `path`. `readerAt(k)` reads siblings in the object at
 * path.slice(0, k) (so a stage's `name` decides what its `with` may hold).
 */
export function schemasAt(root: Schema, path: ReadonlyArray<string | number>, readerAt: (depth: number) => SiblingReader): Schema[] {
  let cur = expand(root, [root], readerAt(0));
  for (let k = 0; k < path.length; k++) {
    const seg = path[k];
    const next = typeof seg === "number" ? itemSchemas(cur, seg) : propertySchemas(cur, seg);
    if (next.length === 0) return [];
    cur = expand(root, next, readerAt(k + 1));
  }
  return cur;
}

export interface SchemaFacts {
  descriptions: string[];
  default?: unknown;
  enum: unknown[];
  types: string[];
  examples: unknown[];
  deprecated: boolean;
}

export function facts(schemas: Schema[]): SchemaFacts {
  const descriptions: string[] = [];
  const values: unknown[] = [];
  const types = new Set<string>();
  const examples: unknown[] = [];
  let def: unknown;
  let deprecated = false;
  for (const s of schemas) {
    if (typeof s.description === "string" && !descriptions.includes(s.description)) descriptions.push(s.description);
    if ("default" in s && def === undefined) def = s.default;
    if (Array.isArray(s.enum)) for (const v of s.enum) if (!values.includes(v)) values.push(v);
    if ("const" in s && !values.includes(s.const)) values.push(s.const);
    if (typeof s.type === "string") types.add(s.type);
    if (Array.isArray(s.type)) for (const t of s.type) types.add(t);
    if (Array.isArray(s.examples)) for (const e of s.examples) if (!examples.includes(e)) examples.push(e);
    if (s.deprecated) deprecated = true;
  }
  if (types.has("boolean")) for (const b of [true, false]) if (!values.includes(b)) values.push(b);
  return { descriptions, default: def, enum: values, types: [...types], examples, deprecated };
}

/** Property names an object may have at this point, with their schemas. */
export function propertiesOf(schemas: Schema[]): Map<string, Schema[]> {
  const out = new Map<string, Schema[]>();
  for (const s of schemas) {
    for (const [k, v] of Object.entries<Schema>(s.properties ?? {})) {
      const list = out.get(k) ?? [];
      list.push(v);
      out.set(k, list);
    }
  }
  return out;
}

export function isObjectSchema(schemas: Schema[]): boolean {
  return schemas.some((s) => s.type === "object" || s.properties);
}

export function isArraySchema(schemas: Schema[]): boolean {
  return schemas.some((s) => s.type === "array" || s.items);
}
