// Issue targets: cold `kanaria compile` of examples/canary under Bun ≤ 60 ms median and ≤ 1/5
// of `ajv validate` (ajv-cli) on the same file with the same schema; 1,000 app folders in one
// call < 2 s. Everything runs in this one process, side by side.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { markdownTable, ROOT, saveResult, timeCommand, type Stats } from "./harness.ts";

const BUN = `${ROOT}node_modules/.bin/bun`;
const AJV = `${ROOT}node_modules/.bin/ajv`;
const APP = "examples/canary/app.pipecd.yaml";

export async function run(options: { runs?: number } = {}): Promise<Record<string, unknown>> {
  const runs = options.runs ?? 30;
  // Make sure the bundle exists and is fresh, as after `npm ci`.
  const { build } = await import("../scripts/build.ts");
  await build();

  const bundled = timeCommand(BUN, ["bin/kanaria.ts", "compile", APP], { runs });
  const source = timeCommand(BUN, ["bin/kanaria.ts", "compile", APP], { runs, env: { KANARIA_FROM_SOURCE: "1" } });
  const ajv = timeCommand(AJV, ["validate", "--spec=draft2020", "-s", "schema/app.schema.json", "-d", APP], { runs: Math.min(runs, 15) });

  const dir = mkdtempSync(join(tmpdir(), "kanaria-bench-"));
  for (let i = 0; i < 1000; i++) cpSync(`${ROOT}examples/canary`, join(dir, `app-${String(i).padStart(4, "0")}`), { recursive: true });
  const thousand = timeCommand(BUN, ["bin/kanaria.ts", "compile", dir], { runs: 5, warmup: 1 });
  rmSync(dir, { recursive: true, force: true });

  const ratio = bundled.medianMs / ajv.medianMs;
  const row = (name: string, s: Stats, note = "") => [name, s.runs, s.medianMs, s.p90Ms, s.minMs, note];
  console.log("\n### Compile benchmark (cold process each run)\n");
  console.log(
    markdownTable(["command", "runs", "median ms", "p90 ms", "min ms", "note"], [
      row("kanaria compile examples/canary (bun, installed bundle)", bundled, `${(ratio * 100).toFixed(0)}% of ajv-cli; target ≤ 60 ms and ≤ 20%`),
      row("kanaria compile examples/canary (bun, from source)", source, "KANARIA_FROM_SOURCE=1"),
      row("ajv validate (ajv-cli 5, node) same file + schema", ajv, "peer"),
      row("kanaria compile 1,000 app folders (one call)", thousand, "target < 2,000 ms"),
    ]),
  );
  const result = { bundled, source, ajvCli: ajv, thousandApps: thousand, ratioToAjv: Math.round(ratio * 1000) / 1000 };
  saveResult("compile", result);
  return result;
}

if (import.meta.main) await run();
