// Every config in ../shared/corpus/pipecd gets the verdict its MANIFEST.txt gives. Files the
// corpus did not copy (most servicedef/taskdef files) come from corpus/pipecd/standin/.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compile } from "../../compiler/compile.ts";
import { createSourceParser } from "../../compiler/source/source-parser.ts";
import { type CorpusApp, corpusApps, corpusFile, corpusPresent, corpusRequirement, MISSING_CORPUS } from "../helpers/shared-corpus.ts";

const entries: CorpusApp[] = corpusApps();

/** Expected outcome: null = compiles without errors, else the rule id that must reject it. */
function expected(e: CorpusApp): string | null {
  if (e.note.startsWith("NEGATIVE")) return "schema";
  if (e.note.startsWith("REJECT")) return "ecs-target-groups";
  if (e.file.includes("wait-approval")) return "ecs-standalone-with-pipeline";
  return null;
}

/** Files beside the app: its own when the corpus copied them, else stand-ins (see corpusFile). */
const reader = (e: CorpusApp) => (path: string): string | null => (path.startsWith("corpus/") ? corpusFile(e, path.slice("corpus/".length)) : null);

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
