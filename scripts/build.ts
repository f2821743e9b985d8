// Bundles the compiler CLI (compile/graph/plan) into one minified file with Bun bytecode, so a
// cold `kanaria compile` starts in ~25 ms instead of ~65 ms (most of it is module loading and
// the yaml package warming up). bin/compiler-cli.ts uses a bundle only while it matches the
// sources, so editing a source file never runs stale code.
//
//   bun scripts/build.ts                  checkout: node_modules/.cache/kanaria (`npm run build`),
//                                         fresh while every input keeps its size and mtime
//   bun scripts/build.ts --release        `npm pack` (prepack): dist/, shipped in the package;
//                                         fresh while the package's own inputs keep their sizes
//                                         (packing resets every mtime, and the dependencies it
//                                         inlines are pinned)
//   bun scripts/build.ts --clean-release  postpack: removes dist/ from the checkout again
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { relative } from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
export const CACHE_DIR = "node_modules/.cache/kanaria";
export const RELEASE_DIR = "dist";

declare const Bun: any;

export async function build(options: { release?: boolean } = {}): Promise<{ dir: string; inputs: number; bytes: number }> {
  const dir = options.release ? RELEASE_DIR : CACHE_DIR;
  const outDir = `${root}${dir}`;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await Bun.build({
    entrypoints: [`${root}compiler/cli/index.ts`],
    outdir: outDir,
    target: "bun",
    format: "cjs",
    minify: true,
    bytecode: true,
    metafile: true,
    naming: "compiler-cli.[ext]",
  });
  if (!result.success) throw new AggregateError(result.logs, "bundle failed");
  let inputs = Object.keys(result.metafile.inputs).map((p: string) => {
    const abs = p.startsWith("/") ? p : `${root}${p}`;
    const st = statSync(abs);
    return [relative(root, abs), st.mtimeMs, st.size] as [string, number, number];
  });
  if (options.release) inputs = inputs.filter(([path]) => !path.split("/").includes("node_modules"));
  const manifest = options.release ? { bun: Bun.version, release: true, inputs: inputs.map(([path, , size]) => [path, size]) } : { bun: Bun.version, inputs };
  writeFileSync(`${outDir}/compiler-cli.manifest.json`, JSON.stringify(manifest));
  const bytes = result.outputs.reduce((n: number, o: { size: number }) => n + o.size, 0);
  return { dir, inputs: inputs.length, bytes };
}

if (import.meta.main) {
  if (process.argv.includes("--clean-release")) {
    rmSync(`${root}${RELEASE_DIR}`, { recursive: true, force: true });
  } else {
    const r = await build({ release: process.argv.includes("--release") });
    // stderr: `npm pack` prints the tarball's name on stdout, and tools read it from there.
    console.error(`built ${r.dir}/compiler-cli.js from ${r.inputs} files (${(r.bytes / 1e6).toFixed(1)} MB incl. bytecode)`);
  }
}
