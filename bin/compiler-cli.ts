// Loads the compiler commands: the prebuilt bundle (scripts/build.ts) when it is fresh and we
// run on Bun, else the TypeScript sources. Freshness = every bundled input file still has the
// size and mtime it had at build time (a few hundred stat calls: well under a millisecond).
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { runtimeName, env } from "../runtime/platform/index.ts";

type CompilerCli = typeof import("../compiler/cli/index.ts");

const root = new URL("..", import.meta.url);

function freshBundle(): string | null {
  if (runtimeName !== "bun" || env("KANARIA_FROM_SOURCE") === "1") return null;
  const dir = new URL("node_modules/.cache/kanaria/", root);
  try {
    const manifest = JSON.parse(readFileSync(new URL("compiler-cli.manifest.json", dir), "utf8")) as { bun: string; inputs: [string, number, number][] };
    if (manifest.bun !== (globalThis as any).Bun.version) return null;
    for (const [path, mtime, size] of manifest.inputs) {
      const st = statSync(new URL(path, root));
      if (st.mtimeMs !== mtime || st.size !== size) return null;
    }
    return new URL("compiler-cli.js", dir).pathname;
  } catch {
    return null;
  }
}

export async function loadCompilerCli(): Promise<CompilerCli> {
  const bundle = freshBundle();
  if (bundle) return createRequire(import.meta.url)(bundle) as CompilerCli;
  return import("../compiler/cli/index.ts");
}
