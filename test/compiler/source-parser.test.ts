// The caching source parser must give exactly what a whole-file parse gives — value,
// diagnostics, and the range, key range, start and span of every path — while actually
// taking its shortcut on long files (else this would test nothing).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseSource, type DataPath, type SourceFile } from "../../compiler/source/source-file.ts";
import { blockOnly, closedBefore, createSourceParser, endsAtSibling, findCut, type SourceParser } from "../../compiler/source/source-parser.ts";
import { Parser } from "yaml";
import { generateApp, lintInvalid, schemaInvalid } from "../helpers/long-app.ts";
import { mutated } from "../helpers/yaml-mutations.ts";
import { CORPUS_DIR, corpusRequirement } from "../helpers/shared-corpus.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const yamlFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e) ? [p] : [];
  });

/** Every path in the value, each with a missing child, so fallbacks are compared too. */
function paths(v: unknown, at: (string | number)[] = []): DataPath[] {
  const out: DataPath[] = [at, [...at, "no-such-key"], [...at, 9999]];
  if (Array.isArray(v)) for (const [i, x] of v.entries()) out.push(...paths(x, [...at, i]));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

function assertSame(got: SourceFile, want: SourceFile, label: string) {
  assert.deepEqual(got.value, want.value, `${label}: value`);
  assert.deepEqual(got.diagnostics, want.diagnostics, `${label}: diagnostics`);
  for (const p of paths(want.value)) {
    const where = `${label} at ${JSON.stringify(p)}`;
    assert.equal(got.has(p), want.has(p), `${where}: has`);
    assert.deepEqual(got.rangeOf(p), want.rangeOf(p), `${where}: rangeOf`);
    assert.deepEqual(got.rangeOf(p, "key"), want.rangeOf(p, "key"), `${where}: key range`);
    assert.deepEqual(got.valueStart(p), want.valueStart(p), `${where}: valueStart`);
    assert.deepEqual(got.valueSpan(p), want.valueSpan(p), `${where}: valueSpan`);
  }
}

function counting(minSplitLength = 0): { parse: SourceParser; counts: Record<string, number> } {
  const counts: Record<string, number> = { unchanged: 0, pieces: 0, whole: 0 };
  return { parse: createSourceParser({ minSplitLength, onParse: (how) => counts[how]++ }), counts };
}

const LONG = generateApp();

test("the long app is cut into its stages and assembled to exactly a whole parse", () => {
  const cut = findCut(LONG);
  assert.ok(cut, "the long app should be cut");
  assert.equal(cut.items.length, (parseSource("a.yaml", LONG).value as any).spec.pipeline.stages.length);
  const { parse, counts } = counting();
  for (const [label, text] of [["valid", LONG], ["schema-invalid", schemaInvalid(LONG)], ["lint-invalid", lintInvalid(LONG)], ["edited", `${LONG}# edit\n`], ["a comment after the key", LONG.replace("    stages:\n", "    stages:   # the pipeline\n")]] as const) {
    assertSame(parse("app.pipecd.yaml", text), parseSource("app.pipecd.yaml", text), label);
  }
  assert.equal(counts.pieces, 5, `every version should be assembled from pieces: ${JSON.stringify(counts)}`);
});

test("a text seen before for the same path is not parsed again", () => {
  const { parse, counts } = counting();
  const a = parse("app.pipecd.yaml", LONG);
  assert.equal(parse("app.pipecd.yaml", LONG), a);
  assert.equal(counts.unchanged, 1);
  assert.ok(Object.isFrozen(a.value), "a shared value must not be changed by whoever reads it");
});

function parsesTheSameEitherWay(files: string[]): void {
  const { parse, counts } = counting();
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    assertSame(parse(f, text), parseSource(f, text), f);
  }
  assert.ok(counts.pieces > 5, `the shortcut should apply to most app files: ${JSON.stringify(counts)}`);
}

test("every example file parses the same either way", () => {
  const files = yamlFiles(`${ROOT}examples`);
  assert.ok(files.length > 20, `found only ${files.length} files`);
  parsesTheSameEitherWay(files);
});

test("every corpus file parses the same either way", corpusRequirement(), () => {
  const files = yamlFiles(CORPUS_DIR);
  assert.ok(files.length > 10, `found only ${files.length} files`);
  parsesTheSameEitherWay(files);
});

test("mutated long apps parse the same either way (one parser across all, as in an editor)", () => {
  const { parse, counts } = counting();
  fc.assert(
    fc.property(mutated(LONG), (text) => assertSame(parse("app.pipecd.yaml", text), parseSource("app.pipecd.yaml", text), "mutation")),
    { numRuns: 300, seed: 11 },
  );
  // Both paths must have been exercised: mutations that keep the YAML valid keep the cut, the
  // rest (most: a stray indicator is usually a syntax error) are parsed whole.
  assert.ok(counts.pieces > 40 && counts.whole > 40, JSON.stringify(counts));
});

const STAGES = "  pipeline:\n    stages:\n      - name: A\n        with: {}\n      - name: B\n      - name: C\n";

test("mutated example apps parse the same either way (short files cut too)", () => {
  const apps = ["canary", "bluegreen", "canary-wait", "wait-approval", "service-discovery"].map((e) => readFileSync(`${ROOT}examples/${e}/app.pipecd.yaml`, "utf8"));
  const { parse, counts } = counting(0);
  fc.assert(
    fc.property(fc.constantFrom(...apps).chain(mutated), (text) => assertSame(parse("app.pipecd.yaml", text), parseSource("app.pipecd.yaml", text), "mutation")),
    { numRuns: 600, seed: 300 },
  );
  assert.ok(counts.pieces > 100, JSON.stringify(counts));
});

test("things that make cutting unsafe fall back to a whole parse", () => {
  const unsafe: Record<string, string> = {
    anchor: `spec:\n${STAGES.replace("name: A", "name: &n A")}`,
    alias: `x: &n A\nspec:\n${STAGES.replace("name: B", "name: *n")}`,
    tag: `spec:\n${STAGES.replace("name: B", "name: !!str B")}`,
    "tab indent": `spec:\n${STAGES.replace("        with", "\twith")}`,
    "value in a block scalar": `notes: |\n  stages:\n  - a\n  - b\nspec: {}\n`,
    crlf: `spec:\r\n${STAGES.replaceAll("\n", "\r\n")}`,
    "an unclosed quote before the sequence": `spec:\n  name: "web\n${STAGES}`,
    // These swallow the empty sibling item: the error could reach into the next stage.
    "an unclosed quote in a stage": `spec:\n${STAGES.replace("name: A", 'name: "A')}`,
    "an unclosed bracket in a stage": `spec:\n${STAGES.replace("with: {}", "with: [1, 2")}`,
    "a flow map left open before the sequence": `spec:\n  labels: {a: 1,\n${STAGES}`,
    // Found by the fuzzer: an error inside a flow collection changes how yaml reads the next items.
    "a flow sequence opened in a stage": `spec:\n${STAGES.replace("        with: {}", "        [with:")}`,
    // Found by the fuzzer: the open map swallows an oddly indented dash, which yaml still counts as an item.
    "a flow map left open in a stage, then an oddly indented item": `spec:\n${STAGES.replace("with: {}", "with:\n          {   max: 1\n       - name: X")}`,
  };
  for (const [label, text] of Object.entries(unsafe)) {
    const { parse, counts } = counting();
    assertSame(parse("a.yaml", text), parseSource("a.yaml", text), label);
    assert.equal(counts.whole, 1, `${label} should be parsed whole`);
  }
});

test("a YAML error that stays inside its stage is reported from the pieces, as a whole parse reports it", () => {
  const contained: Record<string, string> = {
    "duplicate key": `spec:\n${STAGES.replace("name: B", "name: B\n        name: B2")}`,
    "half-typed key": `spec:\n${STAGES.replace("name: B", "name: B\n        interv")}`,
    "a line after the sequence, between the key and the items": `spec:\n${STAGES}   stray: 1\n`,
    "bad indentation in the last stage": `spec:\n${STAGES}         oops: 1\n`,
  };
  for (const [label, text] of Object.entries(contained)) {
    const { parse, counts } = counting();
    const got = parse("a.yaml", text);
    const want = parseSource("a.yaml", text);
    assert.ok(want.diagnostics.length > 0, `${label}: the case must have a YAML problem`);
    assertSame(got, want, label);
    assert.equal(counts.pieces, 1, `${label} should be assembled from pieces`);
  }
});

test("the guards behind the cut, on their own (defence in depth: the tables above rarely reach them)", () => {
  const item = "      - name: A\n";
  const next = "      - name: B\n";
  const cst = (t: string) => [...new Parser().parse(t)];
  assert.equal(endsAtSibling(cst(item + next), item.length, 6), true);
  for (const [own, want, why] of [
    ['      - name: "A\n', false, "an open quote swallows the next dash"],
    ["      - name: A\n        q: |\n", true, "a block scalar ends at the dash"],
    // yaml ends the bracket at the dash's line (an error): blockOnly is the guard for that one.
    ["      - name: A\n        [x,\n", true, "an open bracket is ended by the dedent"],
  ] as const) {
    assert.equal(endsAtSibling(cst(own + next), own.length, 6), want, why);
  }
  assert.equal(blockOnly("      - name: A\n        [x,\n"), false);
  assert.equal(endsAtSibling(cst(item + next), item.length, 4), false, "another indentation");
  assert.equal(closedBefore("spec:\n  pipeline:\n    stages:\n"), true);
  assert.equal(closedBefore("spec: {a: 1,\n  pipeline:\n    stages:\n"), false, "inside a flow map");
  assert.equal(closedBefore('spec:\n  name: "web\n    stages:'), false, "inside a quote");
  assert.equal(blockOnly("      - name: A\n        interv\n"), true);
  assert.equal(blockOnly("      - name: A\n        with: {}\n"), false);
  assert.equal(blockOnly("      - name: 'A\n"), false);
  assert.equal(blockOnly('      - name: "A"\n'), true);
});
