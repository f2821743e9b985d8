// Loads the compiler commands: a prebuilt bundle (scripts/build.ts) when it is fresh and we run
// on Bun, else the TypeScript sources. Two places: dist/ ships in the npm package (built when it
// is packed; fresh while the package's own inputs keep their sizes, since packing resets mtimes),
// node_modules/.cache/kanaria in a checkout (`npm run build`; fresh while every input keeps its
// size and mtime). Either check is a few hundred stat calls: well under a millisecond.
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { runtimeName, env } from "../runtime/platform/index.ts";

type CompilerCli = typeof import("../compiler/cli/index.ts");

const root = new URL("..", import.meta.url);

function freshBundle(dirName: string): string | null {
  const dir = new URL(dirName, root);
  try {
    const manifest = JSON.parse(readFileSync(new URL("compiler-cli.manifest.json", dir), "utf8")) as { bun: string; release?: boolean; inputs: number[][] };
    if (manifest.bun !== (globalThis as any).Bun.version) return null;
    for (const input of manifest.inputs) {
      const [path, ...expected] = input as [string, ...number[]];
      const st = statSync(new URL(path, root));
      const actual = manifest.release ? [st.size] : [st.mtimeMs, st.size];
      if (actual.some((v, i) => v !== expected[i])) return null;
    }
    return new URL("compiler-cli.js", dir).pathname;
  } catch {
    return null;
  }
}

/** The prebuilt bundle the compiler commands will load, or null for the sources. */
export function compilerBundle(): string | null {
  return runtimeName === "bun" && env("KANARIA_FROM_SOURCE") !== "1" ? (freshBundle("dist/") ?? freshBundle("node_modules/.cache/kanaria/")) : null;
}

export async function loadCompilerCli(): Promise<CompilerCli> {
  const bundle = compilerBundle();
  if (bundle) return createRequire(import.meta.url)(bundle) as CompilerCli;
  return import("../compiler/cli/index.ts");
}
