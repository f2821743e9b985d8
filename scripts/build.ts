// Bundles the compiler CLI (compile/graph/plan) into one minified file with Bun bytecode, so a
// cold `kanaria compile` starts in ~25 ms instead of ~65 ms (most of it is module loading and
// the yaml package warming up). bin/compiler-cli.ts uses a bundle only while it matches the
// sources, so editing a source file never runs stale code.
//
// The schema validators (ajv standalone code, over 1 MB) run on first use, one schema's at a
// time: compiling one app runs the app's, the service's and the task definition's, never the
// runtime or graph ones.
//
//   bun scripts/build.ts                  checkout: node_modules/.cache/kanaria (`npm run build`),
//                                         fresh while every input keeps its size and mtime
//   bun scripts/build.ts --release        `npm pack` (prepack): dist/, shipped in the package;
//                                         fresh while the package's own inputs keep their sizes
//                                         (packing resets every mtime, and the dependencies it
//                                         inlines are pinned)
//   bun scripts/build.ts --clean-release  postpack: removes dist/ from the checkout again
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
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
  const common = { outdir: outDir, target: "bun", format: "cjs", minify: true, bytecode: true, metafile: true };
  const results = [await Bun.build({ ...common, entrypoints: [`${root}compiler/cli/index.ts`], naming: "compiler-cli.[ext]", plugins: [lazyValidators(), bundledHandlebars] })];
  for (const result of results) if (!result.success) throw new AggregateError(result.logs, "bundle failed");
  const metaInputs = results.flatMap((r) => Object.keys(r.metafile.inputs)).filter((p) => !/^[a-z-]+:/.test(p)); // not the plugins' virtual modules
  let inputs = metaInputs.map((p: string) => {
    const abs = p.startsWith("/") ? p : `${root}${p}`;
    const st = statSync(abs);
    return [relative(root, abs), st.mtimeMs, st.size] as [string, number, number];
  });
  if (options.release) inputs = inputs.filter(([path]) => !path.split("/").includes("node_modules"));
  const manifest = options.release ? { bun: Bun.version, release: true, inputs: inputs.map(([path, , size]) => [path, size]) } : { bun: Bun.version, inputs };
  writeFileSync(`${outDir}/compiler-cli.manifest.json`, JSON.stringify(manifest));
  const bytes = results.flatMap((r) => r.outputs).reduce((n: number, o: { size: number }) => n + o.size, 0);
  return { dir, inputs: inputs.length, bytes };
}

/**
 * In the bundle, compiler/validate/generated/validators.js (which re-exports every schema's
 * validator module) becomes getters that run a schema's module on first use.
 */
function lazyValidators() {
  const index = readFileSync(`${root}compiler/validate/generated/validators.js`, "utf8");
  const names = [...index.matchAll(/^export \{ (\w+) \} from "\.\/validators\/\1\.js";$/gm)].map((m) => m[1]);
  if (names.length === 0) throw new Error("compiler/validate/generated/validators.js re-exports no validators/<name>.js: update scripts/build.ts");
  const contents = `const loaded = {};
const load = (name) => { switch (name) { ${names.map((n) => `case "${n}": return require("./validators/${n}.js");`).join(" ")} } };
for (const name of ${JSON.stringify(names)}) Object.defineProperty(module.exports, name, { enumerable: true, get: () => (loaded[name] ??= load(name)[name]) });
`;
  return {
    name: "lazy-validators",
    setup(b: any) {
      b.onLoad({ filter: /compiler\/validate\/generated\/validators\.js$/ }, () => ({ contents, loader: "js" }));
    },
  };
}

/**
 * compiler/template/expand.ts loads handlebars on first use with createRequire(import.meta.url),
 * which a bundle would resolve from the build machine's checkout (import.meta.url is inlined):
 * in the bundle it becomes a plain require, which Bun bundles as a module run on first call.
 * handlebars' code generator uses `source-map` when it finds it, else a built-in fallback: the
 * bundle leaves it out (templates never need source maps; it would be loaded with handlebars).
 */
const bundledHandlebars = {
  name: "bundled-handlebars",
  setup(b: any) {
    b.onLoad({ filter: /compiler\/template\/expand\.ts$/ }, (a: { path: string }) => {
      const source = readFileSync(a.path, "utf8");
      const lazy = 'createRequire(import.meta.url)("handlebars")';
      if (!source.includes(lazy)) throw new Error(`${a.path} no longer loads handlebars with ${lazy}: update scripts/build.ts`);
      return { contents: source.replace(lazy, 'require("handlebars")'), loader: "ts" };
    });
    b.onResolve({ filter: /^source-map$/ }, (a: { importer: string }) => (a.importer.includes("/handlebars/") ? { path: "source-map", namespace: "no-source-map" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "no-source-map" }, () => ({ contents: "module.exports = {};", loader: "js" }));
  },
};

if (import.meta.main) {
  if (process.argv.includes("--clean-release")) {
    rmSync(`${root}${RELEASE_DIR}`, { recursive: true, force: true });
  } else {
    const r = await build({ release: process.argv.includes("--release") });
    // stderr: `npm pack` prints the tarball's name on stdout, and tools read it from there.
    console.error(`built ${r.dir}/compiler-cli.js from ${r.inputs} files (${(r.bytes / 1e6).toFixed(1)} MB incl. bytecode)`);
  }
}
