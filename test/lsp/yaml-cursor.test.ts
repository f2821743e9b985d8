// The cursor model behind hover and completion: paths from indentation alone, on documents
// that do not parse, and schema navigation that follows a stage's name into its `with`.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cursorAt, YamlLines } from "../../lsp/yaml-cursor.ts";
import { readerAt } from "../../lsp/cursor-schema.ts";
import { facts, propertiesOf, rootSchema, schemasAt } from "../../lsp/schema-lookup.ts";

const DOC = `apiVersion: pipecd.dev/v1beta1
kind: ECSApp
spec:
  input:
    launch
  pipeline:
    stages:
    - name: WAIT
      with:
        duration: 1m
    - name: ANALYSIS
      with:
        metrics:
          - provider: x
            query: |
              sum:x{a:b}
            strat
    -${" "}
`;

function at(line: number, character: number) {
  const lines = new YamlLines(DOC);
  return { lines, cur: cursorAt(lines, line, character) };
}

describe("cursorAt", () => {
  test("a half-typed key inside a map", () => {
    const { cur } = at(4, 10);
    assert.equal(cur.kind, "key");
    assert.deepEqual(cur.path, ["spec", "input"]);
    assert.equal(cur.prefix, "launch");
  });

  test("compact lists (dash at the parent key's column) and list indexes", () => {
    const { cur } = at(9, 12);
    assert.deepEqual(cur.path, ["spec", "pipeline", "stages", 0, "with"]);
    assert.equal(cur.key, "duration");
    assert.equal(cur.kind, "key");
    const v = at(9, 20).cur;
    assert.equal(v.kind, "value");
    assert.equal(v.prefix, "1m");
  });

  test("a line after a block scalar belongs to the map around it", () => {
    const { cur } = at(16, 17);
    assert.deepEqual(cur.path, ["spec", "pipeline", "stages", 1, "with", "metrics", 0]);
    assert.equal(cur.prefix, "strat");
    const inside = at(15, 16).cur;
    assert.equal(inside.inScalar, true);
    assert.equal(inside.key, "query");
  });

  test("a new item after a bare dash", () => {
    const { cur } = at(17, 6);
    assert.deepEqual(cur.path, ["spec", "pipeline", "stages", 2]);
    assert.equal(cur.kind, "key");
  });

  test("positions past the end are clamped", () => {
    const { cur } = at(500, 3);
    assert.ok(Array.isArray(cur.path));
  });
});

describe("schema lookup", () => {
  test("a stage's `with` is resolved through the if/then on its name", () => {
    const { lines, cur } = at(9, 12);
    const holder = schemasAt(rootSchema("app"), cur.path, readerAt(lines, cur));
    assert.deepEqual([...propertiesOf(holder).keys()].sort(), ["duration", "skipOn"]);
    const analysis = at(16, 17);
    const metric = schemasAt(rootSchema("app"), analysis.cur.path, readerAt(analysis.lines, analysis.cur));
    assert.ok(propertiesOf(metric).has("strategy"));
    const strategy = schemasAt(rootSchema("app"), [...analysis.cur.path, "strategy"], readerAt(analysis.lines, analysis.cur));
    assert.equal(facts(strategy).default, "THRESHOLD");
  });

  test("task definition: items and nested $refs", () => {
    const s = schemasAt(rootSchema("taskDefinition"), ["containerDefinitions", 0, "portMappings", 0], () => null);
    assert.ok(propertiesOf(s).has("containerPort"));
  });
});
