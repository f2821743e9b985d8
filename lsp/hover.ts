// Hover: the schema's description (and default, allowed values) of the key under the cursor,
// what a stage does, what a template variable expands to per variant, and a rule's docs in a
// `# kanaria-disable-next-line` comment.
import type { Hover, Position } from "vscode-languageserver";
import { RULES_BY_ID } from "../compiler/rules/index.ts";
import { lineRange } from "./positions.ts";
import { cursorAt, YamlLines } from "./yaml-cursor.ts";
import { facts, schemaFor, schemasAt, type SchemaKind } from "./schema-lookup.ts";
import { readerAt } from "./cursor-schema.ts";
import { stageDoc } from "./stage-docs.ts";
import { analysisItemAt, exprAt, valuesByVariant, variableDoc } from "./templates.ts";
import type { AppState } from "./workspace.ts";

export interface HoverInput {
  text: string;
  position: Position;
  kind: SchemaKind | null;
  /** The app's last compile, for template values (app files only). */
  app?: AppState;
}

const markdown = (value: string, range?: Hover["range"]): Hover => ({ contents: { kind: "markdown", value }, ...(range ? { range } : {}) });

export function hover(input: HoverInput): Hover | null {
  const lines = new YamlLines(input.text);
  const { line, character } = input.position;
  const text = lines.text[line] ?? "";
  return ruleHover(text, line, character) ?? templateHover(text, line, character, input.app) ?? (input.kind ? schemaHover(lines, line, character, input.kind, input.text) : null);
}

const DIRECTIVE = /#\s*kanaria-disable-next-line\b/;

function ruleHover(text: string, line: number, ch: number): Hover | null {
  const m = DIRECTIVE.exec(text);
  if (!m || ch < m.index) return null;
  for (const w of text.slice(m.index + m[0].length).matchAll(/[A-Za-z0-9_-]+/g)) {
    const start = m.index + m[0].length + w.index!;
    const end = start + w[0].length;
    if (ch < start || ch > end) continue;
    const rule = RULES_BY_ID.get(w[0]);
    if (!rule) return markdown(`Unknown rule id \`${w[0]}\`: this comment suppresses nothing for it.`, lineRange(line, start, end));
    return markdown(`**${rule.id}** (${rule.severity}, ${rule.phase})\n\n${rule.docs}`, lineRange(line, start, end));
  }
  return null;
}

function show(v: unknown): string {
  if (v === undefined) return "_not defined_";
  if (typeof v === "object") return `\`${JSON.stringify(v)}\``;
  return `\`${String(v)}\``;
}

function templateHover(text: string, line: number, ch: number, app: AppState | undefined): Hover | null {
  const expr = exprAt(text, ch);
  if (!expr) return null;
  const shown = `.${expr.path.join(".")}`;
  const doc = variableDoc(expr.path);
  const parts = [`**${shown}**${doc ? `: ${doc.doc}` : ": not a known template variable."}`];
  if (expr.legacy) parts.push("PipeCD's `{{ }}` form: write `<< >>` instead (quick fix available).");
  const resolved = app?.lastApp;
  if (resolved) {
    const item = analysisItemAt(resolved, line + 1);
    const values = valuesByVariant(resolved, item?.metric ?? null, expr.path);
    const rows = (["primary", "canary", "baseline"] as const).map((v) => {
      const used = item?.variants.includes(v) ? " (this query)" : "";
      return `| ${v}${used} | ${show(values[v])} |`;
    });
    parts.push(["| variant | value |", "|---|---|", ...rows].join("\n"));
    if (item) parts.push(`Expanded for: ${item.variants.join(", ")}.`);
  }
  return markdown(parts.join("\n\n"), lineRange(line, expr.start, expr.end));
}

function pathLabel(path: (string | number)[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

function schemaHover(lines: YamlLines, line: number, ch: number, kind: SchemaKind, text: string): Hover | null {
  const cur = cursorAt(lines, line, ch);
  if (!cur.key || cur.inScalar) return null;
  const full = [...cur.path, cur.key];
  const schemas = schemasAt(schemaFor(kind, text), full, readerAt(lines, cur));
  if (schemas.length === 0) return null;
  const f = facts(schemas);
  const parts = [`**${cur.key}** · \`${pathLabel(full)}\`${f.deprecated ? " _(deprecated)_" : ""}`];
  if (f.descriptions.length) parts.push(f.descriptions.join("\n\n"));
  if (cur.kind === "value" && kind === "app" && cur.key === "name" && full[full.length - 3] === "stages") {
    const value = lines.info[line].value;
    const d = value ? stageDoc(value) : undefined;
    if (d) parts.push(d);
  }
  if (f.default !== undefined) parts.push(`Default: \`${JSON.stringify(f.default)}\``);
  if (f.enum.length && !f.types.includes("boolean")) parts.push(`Allowed: ${f.enum.map((v) => `\`${String(v)}\``).join(", ")}`);
  if (f.examples.length) parts.push(`Examples: ${f.examples.map((v) => `\`${JSON.stringify(v)}\``).join(", ")}`);
  const info = lines.info[line];
  const range = cur.kind === "value" ? cur.token : lineRange(line, info.content, info.colon ?? info.content + cur.key.length);
  return markdown(parts.join("\n\n"), range);
}
