// Issue targets: cold `kanaria compile` of examples/canary under Bun ≤ 60 ms median and ≤ 1/5
// of `ajv validate` (ajv-cli) on the same file with the same schema; 1,000 app folders in one
// call < 2 s. Everything runs in this one process; kanaria and ajv-cli runs are interleaved.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { markdownTable, ROOT, saveResult, timeCommand, timeCommandsInterleaved, type Stats } from "./harness.ts";

const BUN = `${ROOT}node_modules/.bin/bun`;
const AJV = `${ROOT}node_modules/.bin/ajv`;
const APP = "examples/canary/app.pipecd.yaml";

/** Bundle inputs whose mtime or size changed since scripts/build.ts ran (the check bin/compiler-cli.ts makes). */
function staleBundleInputs(): string[] {
  const manifest = JSON.parse(readFileSync(`${ROOT}node_modules/.cache/kanaria/compiler-cli.manifest.json`, "utf8")) as { inputs: [string, number, number][] };
  return manifest.inputs.filter(([path, mtime, size]) => {
    const st = statSync(`${ROOT}${path}`, { throwIfNoEntry: false });
    return !st || st.mtimeMs !== mtime || st.size !== size;
  }).map(([path]) => path);
}

export async function run(options: { runs?: number } = {}): Promise<Record<string, unknown>> {
  const runs = options.runs ?? 20;
  // Make sure the bundle exists and is fresh, as after `npm ci`.
  const { build } = await import("../scripts/build.ts");
  await build();

  // Other people edit compiler/ while this runs: an edited input makes bin/compiler-cli.ts fall
  // back to the sources silently, so check the bundle is still fresh after timing it.
  // Round-robin, so the load other people put on the machine falls on kanaria and ajv alike.
  const [bundled, source, ajv] = timeCommandsInterleaved(
    [
      { cmd: BUN, args: ["bin/kanaria.ts", "compile", APP] },
      { cmd: BUN, args: ["bin/kanaria.ts", "compile", APP], env: { KANARIA_FROM_SOURCE: "1" } },
      { cmd: AJV, args: ["validate", "--spec=draft2020", "-s", "schema/app.schema.json", "-d", APP] },
    ],
    { runs },
  );
  const stale = staleBundleInputs();
  if (stale.length) throw new Error(`the bundle went stale while timing it (edited: ${stale.join(", ")}); the "installed bundle" numbers measured the sources. Re-run.`);

  const dir = mkdtempSync(join(tmpdir(), "kanaria-bench-"));
  for (let i = 0; i < 1000; i++) cpSync(`${ROOT}examples/canary`, join(dir, `app-${String(i).padStart(4, "0")}`), { recursive: true });
  const thousand = timeCommand(BUN, ["bin/kanaria.ts", "compile", dir], { runs: 5, warmup: 1 });
  // The timed runs discard stdout: make sure one call really checks all 1,000 apps.
  const summary = spawnSync(BUN, ["bin/kanaria.ts", "compile", dir], { cwd: ROOT, encoding: "utf8" }).stdout.trim().split("\n").pop() ?? "";
  if (!/^1000 apps checked: 0 errors/.test(summary)) throw new Error(`1,000-app compile: unexpected summary "${summary}"`);
  const staleAfter = staleBundleInputs();
  if (staleAfter.length) throw new Error(`the bundle went stale during the 1,000-app runs (edited: ${staleAfter.join(", ")}). Re-run.`);
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
