// examples/broken/ is generated from the rules' invalid examples: in sync, and each fires.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { brokenExamples } from "../../scripts/broken-examples.ts";
import { RULES } from "../../compiler/rules/index.ts";
import { runCli } from "../helpers/cli.ts";

test("examples/broken is up to date (run `bun scripts/broken-examples.ts`)", () => {
  for (const [path, text] of brokenExamples()) {
    let committed: string | null = null;
    try {
      committed = readFileSync(new URL(`../../examples/broken/${path}`, import.meta.url), "utf8");
    } catch {}
    assert.ok(committed === text, `examples/broken/${path} is missing or stale`);
  }
});

test("kanaria compile reports each broken example's rule", () => {
  const folders = RULES.filter((r) => r.examples.invalid[0].app === undefined).map((r) => r.id);
  const r = runCli(["compile", "--format", "json", ...folders.map((f) => `examples/broken/${f}`)]);
  assert.equal(r.code, 1, r.stderr);
  const { diagnostics } = JSON.parse(r.stdout) as { diagnostics: { file: string; code: string }[] };
  for (const id of folders) {
    if (id === "unknown-provider") continue; // needs its runtime.yaml, checked in cli.test.ts
    assert.ok(diagnostics.some((d) => d.code === id && d.file.startsWith(`examples/broken/${id}/`)), `${id} did not fire on examples/broken/${id}`);
  }
});

test("the README's rule table is up to date (run `bun scripts/readme-rules.ts`)", async () => {
  const { withRulesTable } = await import("../../scripts/readme-rules.ts");
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  assert.ok(withRulesTable(readme) === readme, "README.md rule table is stale");
});
