// Property tests: whatever bytes arrive, compile() returns diagnostics (never throws), and
// every diagnostic points inside the file it names.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { compile } from "../../compiler/compile.ts";
import { mutated } from "../helpers/yaml-mutations.ts";
import type { Diagnostic } from "../../compiler/diagnostics.ts";

const example = (f: string) => readFileSync(new URL(`../../examples/canary/${f}`, import.meta.url), "utf8");
const APP = example("app.pipecd.yaml");
const SERVICEDEF = example("servicedef.yaml");
const TASKDEF = example("taskdef.yaml");

function check(app: string, servicedef = SERVICEDEF, taskdef = TASKDEF) {
  const files: Record<string, string> = { "x/app.pipecd.yaml": app, "x/servicedef.yaml": servicedef, "x/taskdef.yaml": taskdef };
  const r = compile({ appPath: "x/app.pipecd.yaml", readFile: (p) => files[p] ?? null });
  for (const d of r.diagnostics) assertInside(d, files[d.file]);
  return r;
}

function assertInside(d: Diagnostic, text: string | undefined) {
  assert.ok(text !== undefined, `diagnostic names an unknown file ${d.file}`);
  const lines = text.split("\n");
  assert.ok(d.line >= 1 && d.line <= lines.length, `line ${d.line} outside 1..${lines.length} (${d.code}: ${d.message})`);
  assert.ok(d.endLine >= d.line && d.endLine <= lines.length + 1, `endLine ${d.endLine} (${d.code})`);
  assert.ok(d.column >= 1 && d.column <= lines[d.line - 1].length + 1, `column ${d.column} outside line ${d.line} (${d.code}: ${d.message})`);
  assert.ok(d.message.length > 10);
}

test("mutated app files never crash the compiler", () => {
  fc.assert(fc.property(mutated(APP), (app) => void check(app)), { numRuns: 400, seed: 42 });
});

test("mutated servicedef/taskdef files never crash the compiler", () => {
  fc.assert(fc.property(mutated(SERVICEDEF), mutated(TASKDEF), (s, t) => void check(APP, s, t)), { numRuns: 200, seed: 7 });
});

test("mutated PipeCD v1 app files never crash the compiler", () => {
  const v1 = readFileSync(new URL("../../examples/v1-canary/app.pipecd.yaml", import.meta.url), "utf8");
  fc.assert(fc.property(mutated(v1), (app) => void check(app)), { numRuns: 400, seed: 43 });
});

test("random text never crashes the compiler", () => {
  fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 400 }), (app) => void check(app)), { numRuns: 300, seed: 1 });
});

test("a YAML alias bomb fails fast with a yaml-syntax error", { timeout: 60_000 }, () => {
  const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    levels.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(", ")}]`);
  }
  // 10^9 nodes if expanded: an attempted expansion would run out of memory or into the test's
  // timeout; the refusal is what makes it fail fast.
  const r = check(levels.join("\n") + "\n");
  assert.ok(r.diagnostics.some((d) => d.code === "yaml-syntax" && /alias/i.test(d.message)), JSON.stringify(r.diagnostics));
  assert.equal(r.graph, null);
});
