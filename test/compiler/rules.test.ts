// One table test for every rule: each valid example compiles without that rule firing, each
// invalid example makes it fire on the stated line. Also checks every required id exists.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compile } from "../../compiler/compile.ts";
import { createSourceParser } from "../../compiler/source/source-parser.ts";
import { loadRuntimeConfig } from "../../compiler/runtime-config.ts";
import { RULES } from "../../compiler/rules/index.ts";
import type { RuleExample } from "../../compiler/rules/rule.ts";
import { memoryReader } from "../helpers/memory-files.ts";

const REQUIRED_IDS = [
  "yaml-syntax", "schema", "file-not-found", "template-syntax", "template-unknown-variable", "template-legacy-syntax", "unknown-provider",
  "traffic-before-canary-rollout", "clean-while-canary-serving", "missing-primary-rollout", "pipeline-ends-off-primary", "canary-not-cleaned",
  "traffic-percentages", "scale-range", "analysis-without-canary-traffic", "analysis-duration-interval", "threshold-expected-missing",
  "baseline-variant-missing", "wait-approval-approvers", "duplicate-stage-id", "reserved-stage-id", "stage-exceeds-deployment-timeout",
  "ecs-deployment-controller", "ecs-container-port", "ecs-fargate-network-mode", "ecs-fargate-cpu-memory", "ecs-launch-type-capacity-provider",
  "ecs-scheduling-strategy", "ecs-service-connect", "ecs-standalone-with-pipeline", "ecs-traffic-routing-service-discovery", "ecs-target-groups",
];

/** Applies non-overlapping edits (1-based line/column ranges) to a text. */
function applyEdits(text: string, edits: { range: { line: number; column: number; endLine: number; endColumn: number }; newText: string }[]): string {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  const offset = (line: number, column: number) => (starts[line - 1] ?? text.length) + column - 1;
  const sorted = [...edits].sort((a, b) => offset(b.range.line, b.range.column) - offset(a.range.line, a.range.column));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.line, e.range.column)) + e.newText + out.slice(offset(e.range.endLine, e.range.endColumn));
  return out;
}

function run(example: RuleExample) {
  const appFile = example.app ?? "app.pipecd.yaml";
  const config = example.config ? loadRuntimeConfig("runtime.yaml", example.config) : null;
  if (config) assert.deepEqual(config.diagnostics, [], "example runtime config must be valid");
  // The examples' folder is their repository root (as for an app outside Git).
  const input = { appPath: `app/${appFile}`, readFile: memoryReader(example.files), config: config?.config ?? null, root: "app" };
  const result = compile(input);
  // The language server compiles with its caching parser (values frozen, long sequences cut into
  // pieces): every rule must see the same thing through it, and must not modify what it reads.
  assert.deepEqual(compile({ ...input, parse: lspParser }).diagnostics, result.diagnostics, "same diagnostics through the LSP's parser");
  return result;
}

const lspParser = createSourceParser({ minSplitLength: 0 });

test("every required rule id has a module", () => {
  const ids = new Set(RULES.map((r) => r.id));
  const missing = REQUIRED_IDS.filter((id) => !ids.has(id));
  assert.deepEqual(missing, []);
});

for (const rule of RULES) {
  describe(`rule ${rule.id}`, () => {
    test("has docs and examples", () => {
      assert.ok(rule.docs.length > 80, "docs paragraph is too short");
      assert.ok(rule.examples.valid.length >= 1, "needs a valid example");
      assert.ok(rule.examples.invalid.length >= 1, "needs an invalid example");
    });
    for (const ex of rule.examples.valid) {
      test(`valid: ${ex.title}`, () => {
        const result = run(ex);
        const errors = result.diagnostics.filter((d) => d.severity === "error" || d.code === rule.id);
        assert.deepEqual(errors, [], `valid example must compile cleanly`);
      });
    }
    for (const ex of rule.examples.invalid) {
      test(`invalid: ${ex.title}`, () => {
        const result = run(ex);
        const hits = result.diagnostics.filter((d) => d.code === rule.id);
        assert.ok(hits.length > 0, `expected ${rule.id}; got ${JSON.stringify(result.diagnostics.map((d) => `${d.line}:${d.code}: ${d.message}`))}`);
        const file = `app/${ex.file ?? ex.app ?? "app.pipecd.yaml"}`;
        if (ex.line !== undefined) {
          assert.ok(
            hits.some((d) => d.line === ex.line && d.file === file),
            `expected ${rule.id} at ${file}:${ex.line}; got ${hits.map((d) => `${d.file}:${d.line}`).join(", ")}`,
          );
        }
        // A finding may be softer than the rule's declared severity (a milder variant), never harsher.
        const rank = { info: 0, warning: 1, error: 2 } as const;
        assert.ok(hits.some((d) => d.severity === rule.severity), `${rule.id} reports at its declared severity (${rule.severity}) on this example`);
        for (const d of hits) assert.ok(rank[d.severity] <= rank[rule.severity], `${rule.id} reported ${d.severity}, harsher than its declared ${rule.severity}`);
        if (rule.severity === "error") assert.equal(result.graph, null, "an error must block the graph");
        // A quick fix (the LSP's code action) must take its finding away: the rule fires fewer
        // times after it (lines may shift, and other findings of the rule may remain).
        for (const d of hits.filter((h) => h.fix)) {
          const name = d.file.slice("app/".length);
          const after = run({ ...ex, files: { ...ex.files, [name]: applyEdits(ex.files[name], d.fix!.edits) } }).diagnostics.filter((x) => x.code === rule.id);
          assert.ok(after.length < hits.length, `fix "${d.fix!.title}" leaves ${rule.id} firing: ${after.map((x) => `${x.line}: ${x.message}`).join("; ")}`);
        }
      });
    }
  });
}
