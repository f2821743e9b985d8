// Completion: keys valid at the cursor (minus those already there), stage names and other enum
// values, provider names from the runtime config, template variables inside `<< >>`, rule ids
// after `kanaria-disable-next-line`, and file names for serviceDefinitionFile/taskDefinitionFile.
// Works from indentation alone, so the half-typed line needs no parse.
import { readdirSync } from "node:fs";
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList, type Position, type Range } from "vscode-languageserver";
import { RULES } from "../compiler/rules/index.ts";
import { TEMPLATE_VARIABLES } from "../compiler/template/variables.ts";
import { providerNames, type RuntimeConfig } from "../compiler/runtime-config.ts";
import { dirname } from "../compiler/paths.ts";
import { lineRange } from "./positions.ts";
import { cursorAt, YamlLines, type Cursor } from "./yaml-cursor.ts";
import { expand, facts, isArraySchema, isObjectSchema, itemSchemas, propertiesOf, schemaFor, schemasAt, type Schema, type SchemaKind } from "./schema-lookup.ts";
import { readerAt } from "./cursor-schema.ts";
import { STAGE_SEMANTICS, stageDoc } from "./stage-docs.ts";
import { analysisItemAt } from "./templates.ts";
import type { AppState } from "./workspace.ts";

export interface CompletionInput {
  text: string;
  position: Position;
  kind: SchemaKind | null;
  /** Path of the document (for sibling file names). */
  path: string;
  app?: AppState;
  config?: RuntimeConfig | null;
}

const list = (items: CompletionItem[]): CompletionList => ({ isIncomplete: false, items });

export function complete(input: CompletionInput): CompletionList {
  const lines = new YamlLines(input.text);
  const { line, character } = input.position;
  const text = lines.text[line] ?? "";
  const before = text.slice(0, character);
  const rules = ruleIds(before, line, character);
  if (rules) return list(rules);
  const vars = templateVariables(text, line, character, input.app);
  if (vars) return list(vars);
  if (!input.kind) return list([]);
  // A comment is not the place for keys.
  if (/(^|\s)#/.test(before.replace(/"[^"]*"|'[^']*'/g, ""))) return list([]);
  const cur = cursorAt(lines, line, character);
  if (cur.inScalar) return list([]);
  const root = schemaFor(input.kind, input.text);
  const read = readerAt(lines, cur);
  if (cur.kind === "value") return list(values(cur, schemasAt(root, [...cur.path, cur.key!], read), input));
  const holder = schemasAt(root, cur.path, read);
  if (cur.kind === "item") {
    const itemSchemas_ = expand(root, itemSchemas(holder, 0), null);
    return list(keys(root, itemSchemas_, new Set(), cur, "- "));
  }
  const map = cur.maps[cur.path.length];
  const present = new Set<string>();
  if (map) for (const [k, l] of lines.entries(map)) if (l !== line) present.add(k);
  return list(keys(root, holder, present, cur, ""));
}

function ruleIds(before: string, line: number, ch: number): CompletionItem[] | null {
  const m = /#\s*kanaria-disable-next-line\b(.*)$/.exec(before);
  if (!m) return null;
  if (m[1] !== "" && !/^\s/.test(m[1])) return null;
  const typed = /[A-Za-z0-9_-]*$/.exec(before)![0];
  const range = lineRange(line, ch - typed.length, ch);
  const already = new Set(m[1].split(/[\s,]+/).filter(Boolean));
  return RULES.filter((r) => r.id !== "yaml-syntax" && !already.has(r.id)).map((r) => ({
    label: r.id,
    kind: CompletionItemKind.Value,
    detail: `${r.severity} · ${r.phase}`,
    documentation: { kind: "markdown", value: r.docs },
    textEdit: { range, newText: r.id },
  }));
}

function templateVariables(text: string, line: number, ch: number, app: AppState | undefined): CompletionItem[] | null {
  const before = text.slice(0, ch);
  const open = before.lastIndexOf("<<");
  if (open < 0 || before.lastIndexOf(">>") > open) return null;
  const typedStart = open + 2 + (/^\s*/.exec(before.slice(open + 2))![0].length);
  let end = ch;
  while (end < text.length && /[A-Za-z0-9_.-]/.test(text[end])) end++;
  const closed = /^\s*>>/.test(text.slice(end));
  const range: Range = lineRange(line, typedStart, end);
  const pad = open + 2 === typedStart ? " " : "";
  const tail = closed ? "" : " >>";
  const items: CompletionItem[] = [];
  const concrete = concreteKeys(app, line + 1);
  for (const v of TEMPLATE_VARIABLES) {
    if (v.path.endsWith(".<key>")) {
      const base = v.path.slice(0, -"<key>".length);
      for (const k of concrete.get(base) ?? []) {
        items.push({ label: `${base}${k}`, kind: CompletionItemKind.Variable, detail: "template variable", documentation: v.doc, textEdit: { range, newText: `${pad}${base}${k}${tail}` }, sortText: `0${base}${k}` });
      }
      items.push({
        label: v.path,
        kind: CompletionItemKind.Variable,
        detail: "template variable",
        documentation: v.doc,
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: { range, newText: `${pad}${base}\${1:key}${tail}` },
        sortText: `1${v.path}`,
      });
    } else {
      items.push({ label: v.path, kind: CompletionItemKind.Variable, detail: "template variable", documentation: v.doc, textEdit: { range, newText: `${pad}${v.path}${tail}` }, sortText: `0${v.path}` });
    }
  }
  return items;
}

/** Keys the app actually defines for `.App.Labels.<key>`, `.Variant.Args.<key>`, ... */
function concreteKeys(app: AppState | undefined, line: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const resolved = app?.lastApp;
  if (!resolved) return out;
  out.set(".App.Labels.", Object.keys(resolved.labels));
  const item = analysisItemAt(resolved, line);
  const m = item?.metric;
  if (m) {
    const args = [...new Set([...Object.keys(m.primaryArgs), ...Object.keys(m.canaryArgs), ...Object.keys(m.baselineArgs)])];
    out.set(".Variant.Args.", args);
    out.set(".VariantCustomArgs.", args);
    out.set(".AppCustomArgs.", Object.keys(m.appArgs));
  }
  return out;
}

function typeLabel(schemas: Schema[]): string {
  const f = facts(schemas);
  if (f.enum.length && !f.types.includes("boolean")) return f.enum.map(String).join(" | ");
  if (isArraySchema(schemas)) return "list";
  if (isObjectSchema(schemas)) return "map";
  return f.types.join(" | ") || "value";
}

function keys(root: Schema, holder: Schema[], present: Set<string>, cur: Cursor, dash: string): CompletionItem[] {
  const indent = " ".repeat(cur.token.start.character + dash.length);
  const items: CompletionItem[] = [];
  for (const [key, schemas] of propertiesOf(holder)) {
    if (present.has(key)) continue;
    const expanded = expand(root, schemas, null);
    const f = facts(expanded);
    let insert = `${dash}${key}: `;
    if (!f.enum.length && isArraySchema(expanded) && !isObjectSchema(expanded)) insert = `${dash}${key}:\n${indent}  - `;
    else if (!f.enum.length && isObjectSchema(expanded) && !isArraySchema(expanded)) insert = `${dash}${key}:\n${indent}  `;
    items.push({
      label: key,
      kind: CompletionItemKind.Property,
      detail: typeLabel(expanded),
      documentation: f.descriptions.length ? { kind: "markdown", value: f.descriptions.join("\n\n") + (f.default !== undefined ? `\n\nDefault: \`${JSON.stringify(f.default)}\`` : "") } : undefined,
      textEdit: { range: cur.token, newText: insert },
      // `name` first in a stage, then required keys, then the rest alphabetically.
      sortText: `${key === "name" ? 0 : holder.some((s) => (s.required ?? []).includes(key)) ? 1 : 2}${key}`,
      ...(f.deprecated ? { tags: [1 as const] } : {}),
    });
  }
  return items;
}

function values(cur: Cursor, schemas: Schema[], input: CompletionInput): CompletionItem[] {
  const key = cur.key!;
  const range = cur.token;
  const items: CompletionItem[] = [];
  const add = (label: string, kind: CompletionItemKind, doc?: string, detail?: string) =>
    items.push({ label, kind, detail, documentation: doc ? { kind: "markdown", value: doc } : undefined, textEdit: { range, newText: label } });
  const parent = cur.path[cur.path.length - 1];
  const f = facts(schemas);
  if (input.kind === "app" && key === "name" && typeof parent === "number" && cur.path[cur.path.length - 2] === "stages") {
    for (const name of Object.keys(STAGE_SEMANTICS)) add(name, CompletionItemKind.EnumMember, stageDoc(name), "stage");
    return items;
  }
  if (input.kind === "app" && (key === "provider" || key === "platformProvider" || key === "cloudProvider" || key === "deployTarget") && input.config) {
    const names = providerNames(input.config, key === "provider" ? "analysis" : "platform");
    for (const n of names) add(n, CompletionItemKind.Reference, undefined, `${key === "provider" ? "analysis" : "platform"} provider (runtime config)`);
  }
  if (input.kind === "app" && (key === "serviceDefinitionFile" || key === "taskDefinitionFile")) {
    for (const file of siblingFiles(input.path)) add(file, CompletionItemKind.File);
  }
  for (const v of f.enum) add(String(v), CompletionItemKind.EnumMember, undefined, f.default === v ? "default" : undefined);
  if (items.length === 0) for (const e of f.examples) add(String(e), CompletionItemKind.Value, undefined, "example");
  return items;
}

function siblingFiles(appPath: string): string[] {
  try {
    return readdirSync(dirname(appPath))
      .filter((f) => /\.(ya?ml|json)$/.test(f) && !/\.pipecd\.ya?ml$/.test(f))
      .sort();
  } catch {
    return [];
  }
}
