// Every config in ../shared/corpus/pipecd gets the verdict its MANIFEST.txt gives. Files the
// corpus did not copy (most servicedef/taskdef files) come from corpus/pipecd/standin/.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { parse } from "yaml";
import { compile } from "../../compiler/compile.ts";
import { createSourceParser } from "../../compiler/source/source-parser.ts";
import { CORPUS_URL as corpus, corpusPresent, corpusRequirement, MISSING_CORPUS } from "../helpers/shared-corpus.ts";

const read = (rel: string) => readFileSync(new URL(rel, corpus), "utf8");

interface Entry {
  file: string;
  note: string;
}

const entries: Entry[] = (corpusPresent ? read("MANIFEST.txt") : "")
  .split("\n")
  .filter((l) => l && !l.startsWith("#"))
  .map((l) => l.split("\t"))
  .map(([file, , , , note]) => ({ file, note }))
  .filter((e) => /app\.pipecd\.yaml$|testdata__application__/.test(e.file));

/** Expected outcome: null = compiles without errors, else the rule id that must reject it. */
function expected(e: Entry): string | null {
  if (e.note.startsWith("NEGATIVE")) return "schema";
  if (e.note.startsWith("REJECT")) return "ecs-target-groups";
  if (e.file.includes("wait-approval")) return "ecs-standalone-with-pipeline";
  return null;
}

/** The app's own servicedef/taskdef when the corpus has them, else the stand-ins (attachment sources: a line of text). */
function reader(e: Entry) {
  const prefix = e.file.replace(/app\.pipecd\.yaml$/, "");
  const sources = new Set(Object.values<string>((parse(read(e.file)) as any)?.spec?.attachment?.sources ?? {}));
  return (path: string): string | null => {
    if (path === "corpus/app.pipecd.yaml") return read(e.file);
    const name = path.slice("corpus/".length);
    const own = `${prefix}${name}`;
    if (prefix !== e.file && existsSync(new URL(own, corpus))) return read(own);
    if (name === "servicedef.yaml" || name === "taskdef.yaml") return read(`standin/${name}`);
    if (sources.has(name)) return "stand-in attachment source\n";
    return null;
  };
}

const lspParser = createSourceParser({ minSplitLength: 0 });

describe("the PipeCD corpus", corpusRequirement(), () => {
  test("the corpus manifest lists app configs", () => {
    assert.ok(corpusPresent, MISSING_CORPUS);
    assert.ok(entries.length >= 9, `only ${entries.length} entries`);
  });

  for (const e of entries) {
    const want = expected(e);
    test(`${e.file}: ${want ? `rejected by ${want}` : "compiles"}`, () => {
      const r = compile({ appPath: "corpus/app.pipecd.yaml", readFile: reader(e) });
      // What the editor shows (the LSP's caching parser) is what CI says.
      assert.deepEqual(compile({ appPath: "corpus/app.pipecd.yaml", readFile: reader(e), parse: lspParser }).diagnostics, r.diagnostics);
      const errors = r.diagnostics.filter((d) => d.severity === "error");
      if (want === null) {
        assert.deepEqual(errors.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`), []);
        assert.ok(r.graph, "a valid config must produce a graph");
      } else {
        assert.ok(errors.some((d) => d.code === want), `expected ${want}, got ${JSON.stringify(errors.map((d) => `${d.line} ${d.code}: ${d.message}`))}`);
        assert.equal(r.graph, null);
      }
    });
  }
});
