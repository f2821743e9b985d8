// The committed validators and types must be exactly what the schemas generate today.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { generate } from "../../compiler/validate/build-validators.ts";

test("compiler/validate/generated is up to date with schema/ (run `npm run build:schemas`)", async () => {
  const files = await generate();
  for (const [name, text] of Object.entries(files)) {
    const committed = readFileSync(new URL(`../../compiler/validate/generated/${name}`, import.meta.url), "utf8");
    assert.ok(committed === text, `compiler/validate/generated/${name} is stale: run npm run build:schemas`);
  }
});
