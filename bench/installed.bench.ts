// Issue 14 target: cold `kanaria compile` of one app the way an installed user runs it (the
// tarball `npm pack` makes, `npm install -g` into a temporary prefix, `kanaria` from its bin
// folder with only Node on PATH) ≤ 0.2 of `ajv validate` (ajv-cli on Node) on the same file
// with the same schema, measured in the same run, interleaved. Also timed: the launcher's
// JavaScript half on Node (`node .../bin/kanaria.js`, what systems without sh get).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { markdownTable, ROOT, saveResult, timeCommandsInterleaved, type Stats } from "./harness.ts";

const AJV = `${ROOT}node_modules/.bin/ajv`;
const APP = `${ROOT}examples/canary/app.pipecd.yaml`;

function which(cmd: string): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  throw new Error(`${cmd} is not on PATH`);
}

function sh(cmd: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): string {
  const r = spawnSync(cmd, args, { cwd: options.cwd ?? ROOT, env: options.env ?? (process.env as Record<string, string>), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

export async function run(options: { runs?: number } = {}): Promise<Record<string, unknown>> {
  const runs = options.runs ?? 20;
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), "kanaria-bench-install-")));
  try {
    const bin = join(tmp, "bin");
    mkdirSync(bin);
    for (const tool of ["node", "npm"]) symlinkSync(realpathSync(which(tool)), join(bin, tool));
    const env = { ...(process.env as Record<string, string>), PATH: [bin, "/usr/bin", "/bin"].join(delimiter) };
    const name = sh("npm", ["pack", "--pack-destination", tmp]).split("\n").filter((l) => l.trim() && !l.startsWith("> ")).pop()!;
    const prefix = join(tmp, "global");
    sh(join(bin, "npm"), ["install", "-g", join(tmp, name), "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund"], { env });
    const kanaria = join(prefix, "bin", "kanaria");
    const version = sh(kanaria, ["version"], { env });
    if (!/^compiler: prebuilt bundle /m.test(version)) throw new Error(`the installed kanaria does not start from the prebuilt bundle:\n${version}`);

    const bun = /^runtime: bun \S+ \((.+)\)$/m.exec(version)![1];
    const entry = join(prefix, "lib/node_modules/kanaria/bin/kanaria.ts");
    const [installed, direct, viaNode, ajv] = timeCommandsInterleaved(
      [
        { cmd: kanaria, args: ["compile", APP], env },
        { cmd: bun, args: [entry, "compile", APP], env },
        { cmd: join(bin, "node"), args: [join(prefix, "lib/node_modules/kanaria/bin/kanaria.js"), "compile", APP], env },
        { cmd: AJV, args: ["validate", "--spec=draft2020", "-s", "schema/app.schema.json", "-d", APP] },
      ],
      { runs },
    );
    const ratio = installed.medianMs / ajv.medianMs;
    const row = (label: string, s: Stats, note = "") => [label, s.runs, s.medianMs, s.p90Ms, s.minMs, note];
    console.log("\n### Installed CLI benchmark (npm install -g of the packed tarball; cold process each run)\n");
    console.log(
      markdownTable(["command", "runs", "median ms", "p90 ms", "min ms", "note"], [
        row("kanaria compile examples/canary (installed: sh launcher, packaged Bun, bundle)", installed, `${(ratio * 100).toFixed(0)}% of ajv-cli; target ≤ 20%`),
        row("the packaged Bun on …/kanaria/bin/kanaria.ts directly", direct, "what the sh launcher execs: its cost is the difference"),
        row("node …/kanaria/bin/kanaria.js compile (the launcher's JavaScript half)", viaNode, "systems without sh"),
        row("ajv validate (ajv-cli 5, node) same file + schema", ajv, "peer"),
      ]),
    );
    const result = { installed, direct, viaNode, ajvCli: ajv, ratioToAjv: Math.round(ratio * 1000) / 1000 };
    saveResult("installed", result);
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.main) await run();
