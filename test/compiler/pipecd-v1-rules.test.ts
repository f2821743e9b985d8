// PipeCD v1 parity, over the whole rule table: every rule example, rewritten in PipeCD v1's
// format, gets the same diagnostics (same rule, same severity, on the same text of the v1 file)
// and the same graph as the v0 original, and each quick fix still removes its finding.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile } from "../../compiler/compile.ts";
import type { Diagnostic } from "../../compiler/diagnostics.ts";
import { loadRuntimeConfig } from "../../compiler/runtime-config.ts";
import { RULES } from "../../compiler/rules/index.ts";
import type { RuleExample } from "../../compiler/rules/rule.ts";
import { memoryReader } from "../helpers/memory-files.ts";
import { toPipecdV1 } from "../helpers/pipecd-v1.ts";

/** Rules none of whose invalid examples can be said in v1 (v1 has no stage ids; a YAML error cannot be rewritten). */
// v1 stages have no `id`, so the rules about stage ids cannot fire on a v1 file.
const NOT_IN_V1 = new Set(["duplicate-stage-id", "reserved-stage-id", "yaml-syntax"]);

function compileExample(ex: RuleExample, files: Record<string, string>) {
  const config = ex.config ? loadRuntimeConfig("runtime.yaml", ex.config).config : null;
  return compile({ appPath: `app/${ex.app ?? "app.pipecd.yaml"}`, readFile: memoryReader(files), config, root: "app" });
}

/** The text a diagnostic points at, whitespace collapsed (a v1 file is indented deeper). */
function excerpt(text: string, d: Diagnostic): string {
  const lines = text.split("\n");
  const start = lines.slice(0, d.line - 1).join("\n").length + (d.line > 1 ? 1 : 0) + d.column - 1;
  const end = lines.slice(0, d.endLine - 1).join("\n").length + (d.endLine > 1 ? 1 : 0) + d.endColumn - 1;
  return text.slice(start, end).replace(/\s+/g, " ").trim();
}

const signature = (files: Record<string, string>, appFile: string) => (d: Diagnostic) => {
  const name = d.file.slice("app/".length);
  // In other files (taskdef, servicedef) positions must be identical; in the app, the text.
  const where = name === appFile ? excerpt(files[name], d) : `${d.line}:${d.column}-${d.endLine}:${d.endColumn}`;
  return `${d.code} ${d.severity} ${name} ${where}`;
};

/** The graph without what depends on the layout of the app file (node positions, digest). */
function layoutFree(graph: any): unknown {
  if (!graph) return graph;
  const { digest: _d, ...g } = graph;
  return { ...g, nodes: g.nodes.map(({ source: _s, ...n }: any) => n) };
}

const compared = new Set<string>();
let examples = 0;

for (const rule of RULES) {
  const all = [...rule.examples.valid.map((e) => ({ e, valid: true })), ...rule.examples.invalid.map((e) => ({ e, valid: false }))];
  for (const { e: ex, valid } of all) {
    const appFile = ex.app ?? "app.pipecd.yaml";
    const v1Text = toPipecdV1(ex.files[appFile]);
    if (v1Text === null) continue;
    examples++;
    if (!valid) compared.add(rule.id);
    test(`${rule.id} ${valid ? "valid" : "invalid"}: ${ex.title} — same findings in PipeCD v1`, () => {
      const v1Files = { ...ex.files, [appFile]: v1Text };
      const r0 = compileExample(ex, ex.files);
      const r1 = compileExample(ex, v1Files);
      assert.deepEqual(r1.diagnostics.map(signature(v1Files, appFile)).sort(), r0.diagnostics.map(signature(ex.files, appFile)).sort(), `v1 file:\n${v1Text}`);
      assert.deepEqual(layoutFree(r1.graph), layoutFree(r0.graph));
      if (!valid) assert.ok(r1.diagnostics.some((d) => d.code === rule.id), `${rule.id} fires on the v1 file`);
      for (const d of r1.diagnostics.filter((x) => x.code === rule.id && x.fix)) {
        const name = d.file.slice("app/".length);
        const fixed = applyEdits(v1Files[name], d.fix!.edits);
        const after = compileExample(ex, { ...v1Files, [name]: fixed }).diagnostics.filter((x) => x.code === rule.id);
        const before = r1.diagnostics.filter((x) => x.code === rule.id);
        assert.ok(after.length < before.length, `fix "${d.fix!.title}" leaves ${rule.id} firing in the v1 file:\n${fixed}`);
      }
    });
  }
}

test("every rule is compared in v1 on at least one invalid example, except those v1 cannot express", () => {
  const missing = RULES.map((r) => r.id).filter((id) => !compared.has(id) && !NOT_IN_V1.has(id));
  assert.deepEqual(missing, []);
  assert.ok(examples >= 60, `only ${examples} examples could be rewritten in v1`);
});

function applyEdits(text: string, edits: { range: { line: number; column: number; endLine: number; endColumn: number }; newText: string }[]): string {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  const offset = (line: number, column: number) => (starts[line - 1] ?? text.length) + column - 1;
  const sorted = [...edits].sort((a, b) => offset(b.range.line, b.range.column) - offset(a.range.line, a.range.column));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.line, e.range.column)) + e.newText + out.slice(offset(e.range.endLine, e.range.endColumn));
  return out;
}
