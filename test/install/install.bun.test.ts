// Installs and runs kanaria the ways users do (issue 14), for real: the tarball `npm pack` makes,
// installed with `npm install -g` into a temporary prefix and run with only Node on PATH (no Bun,
// no Deno: the package brings its own Bun); the same tarball through `npx`; the pre-commit hook
// with Debian's pre-commit against a clone of this checkout; and the files the Dockerfile copies,
// with production dependencies only, serving from another folder. Every npm install of the suite
// lives in this one file (slow: minutes on a loaded machine; its cases are spread over two
// processes). npm runs with --prefer-offline, so the cache `npm ci` filled makes it work offline.
// kanaria-test-shards: 2
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ROOT, until } from "../helpers/cli.ts";
import { freePort } from "../helpers/net.ts";
import { requirement } from "../helpers/requirement.ts";
import { shardOf } from "../helpers/shard.ts";
import { oncePerRun, type Once } from "../helpers/once-per-run.ts";
import { LspClient, uri } from "../lsp/client.ts";

const SLOW = { timeout: 900_000 };
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { version: string; dependencies: Record<string, string> };

function which(cmd: string, path = process.env.PATH ?? ""): string | null {
  for (const dir of path.split(delimiter)) if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  return null;
}

const node = which("node");
const npm = which("npm");
const preCommit = which("pre-commit");
const needNpm = requirement("node and npm", !!node && !!npm, "needs node and npm on PATH");

let tmp = "";
let packed: Once<{ source: string; tarball: string }> | undefined;
let tarball = "";
/** A copy of the checkout's files (tracked and new), as a clone would have them. */
let source = "";
/** Environment with PATH = node, npm, npx and the system folders, and nothing that has bun or deno. */
let onlyNode: Record<string, string> = {};

function run(cmd: string, args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd: options.cwd ?? tmp, env: options.env ?? onlyNode, encoding: "utf8", input: options.input, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

const show = (r: SpawnSyncReturns<string>) => `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** A folder with no package.json or tsconfig.json in it or above it (tmpdir), to run from. */
function elsewhere(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A good app (with an analysis template) and an app that breaks a lint rule, copied from examples/. */
function apps(dir: string): { good: string; broken: string } {
  const good = join(dir, "good");
  const broken = join(dir, "broken");
  cpSync(`${ROOT}examples/canary`, good, { recursive: true });
  cpSync(`${ROOT}examples/broken/traffic-percentages`, broken, { recursive: true });
  return { good, broken };
}

const BROKEN_DIAGNOSTIC = /broken\/app\.pipecd\.yaml:\d+:\d+ error traffic-percentages /;

before(async () => {
  if (needNpm.skip) return;
  tmp = realpathSync(mkdtempSync(join(tmpdir(), "kanaria-install-")));
  const bin = join(tmp, "only-node-bin");
  mkdirSync(bin);
  for (const tool of ["node", "npm", "npx"]) {
    const found = which(tool);
    if (found) symlinkSync(realpathSync(found), join(bin, tool));
  }
  const PATH = [bin, "/usr/bin", "/bin"].join(delimiter);
  for (const runtime of ["bun", "deno"]) assert.equal(which(runtime, PATH), null, `${runtime} must not be on the test's PATH (${PATH})`);
  // The user's environment (proxy and CA settings reach npm) with that PATH; without the npm_*
  // variables `npm test` sets for its scripts, which would steer the npm commands below.
  onlyNode = { NO_COLOR: "1" };
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_/i.test(k)) onlyNode[k] = v;
  onlyNode.PATH = PATH;

  // What the user packs or what a registry serves: `npm pack` of this checkout's files as they
  // are now (tracked and new), copied so that packing never touches the checkout. Packed once per
  // test run (the two shards of this file share the tarball; see helpers/once-per-run.ts).
  packed = await oncePerRun("npm-pack", (dir) => {
    const source = join(dir, "source");
    const files = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).stdout.split("\0").filter(Boolean);
    for (const f of files) if (existsSync(`${ROOT}${f}`)) cpSync(`${ROOT}${f}`, join(source, f), { recursive: true, verbatimSymlinks: true });
    symlinkSync(`${ROOT}node_modules`, join(source, "node_modules"));
    const r = run(npm!, ["pack", "--pack-destination", dir], { cwd: source, env: { ...process.env, NO_COLOR: "1" } as Record<string, string> });
    assert.equal(r.status, 0, show(r));
    // Scripts read the tarball's name from stdout (`$(npm pack)`, pre-commit's node language): the
    // build prints to stderr, so stdout holds only the name and npm's own "> kanaria@… prepack" lines.
    const lines = r.stdout.split("\n").filter((l) => l.trim() && !l.startsWith("> "));
    assert.deepEqual(lines, [`kanaria-${pkg.version}.tgz`], `npm pack's stdout:\n${show(r)}`);
    assert.equal(existsSync(join(source, "dist")), false, "postpack removes dist/ again");
    return { source, tarball: join(dir, lines[0]) };
  });
  ({ source, tarball } = packed.value);
  const listing = spawnSync("tar", ["-tzf", tarball], { encoding: "utf8" }).stdout.split("\n");
  for (const f of ["package/bin/kanaria.js", "package/bin/kanaria.ts", "package/dist/compiler-cli.js", "package/dist/compiler-cli.manifest.json"]) assert.ok(listing.includes(f), `${f} in the tarball`);
  assert.equal(
    listing.some((f) => f.startsWith("package/test/") || f.startsWith("package/bench/")),
    false,
    "tests and benchmarks stay out of the package",
  );
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  if (packed?.owned) rmSync(packed.dir, { recursive: true, force: true });
});

const cases: [string, { skip?: string }, () => void | Promise<void>][] = [];
const it = (name: string, options: { skip?: string }, fn: () => void | Promise<void>) => void cases.push([name, options, fn]);

it("npm install -g of the packed tarball, only Node on PATH: --help, compile, serve and lsp work from any folder", needNpm, async () => {
  const prefix = join(tmp, "global");
  const install = run(npm!, ["install", "-g", tarball, "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund"]);
  assert.equal(install.status, 0, show(install));
  const kanaria = join(prefix, "bin", "kanaria");
  const cwd = elsewhere("global-user");

  const help = run(kanaria, ["--help"], { cwd });
  assert.equal(help.status, 0, show(help));
  assert.match(help.stdout, /^Usage: kanaria <command>/m);

  // Installed users start from the bundle built when the package was packed, on the packaged Bun.
  const version = run(kanaria, ["version"], { cwd });
  assert.equal(version.status, 0, show(version));
  assert.match(version.stdout, new RegExp(`^runtime: bun ${pkg.dependencies.bun.replaceAll(".", "\\.")} \\(${prefix}/lib/node_modules/`, "m"));
  assert.match(version.stdout, new RegExp(`^compiler: prebuilt bundle ${prefix}/lib/node_modules/kanaria/dist/compiler-cli\\.js$`, "m"));

  const { broken } = apps(cwd);
  const ok = run(kanaria, ["compile", "good"], { cwd });
  assert.equal(ok.status, 0, show(ok));
  assert.match(ok.stdout, /^1 app checked: 0 errors/m);
  const bad = run(kanaria, ["compile", "broken"], { cwd });
  assert.equal(bad.status, 1, show(bad));
  assert.match(bad.stdout, BROKEN_DIAGNOSTIC);

  // Without sh (Windows, or `node kanaria.js`), the JavaScript half of the launcher starts Bun.
  const viaNode = run(node!, [join(prefix, "lib/node_modules/kanaria/bin/kanaria.js"), "compile", "broken"], { cwd });
  assert.equal(viaNode.status, 1, show(viaNode));
  assert.match(viaNode.stdout, BROKEN_DIAGNOSTIC);

  // serve renders the status page (JSX) from a folder without tsconfig.json.
  await withServer([kanaria, "serve"], cwd, onlyNode);

  // Editors spawn `kanaria lsp --stdio` from PATH.
  const lsp = new LspClient("kanaria", ["lsp", "--stdio"], { cwd, env: { ...onlyNode, PATH: `${join(prefix, "bin")}${delimiter}${onlyNode.PATH}` } });
  try {
    const init = await lsp.initialize({ rootUri: uri(cwd) });
    assert.ok(init.capabilities?.textDocumentSync, "initialize answers with capabilities");
    const file = join(broken, "app.pipecd.yaml");
    const u = lsp.open(file, readFileSync(file, "utf8"));
    const diags = await lsp.diagnostics(u, 1, 0, 60_000);
    assert.ok(
      diags.diagnostics.some((d: { code?: string }) => d.code === "traffic-percentages"),
      JSON.stringify(diags),
    );
  } finally {
    await lsp.stop();
  }
});

it("npx with the tarball, only Node on PATH", needNpm, () => {
  const cwd = elsewhere("npx-user");
  apps(cwd);
  try {
    const r = run(npm!, ["exec", "--yes", "--prefer-offline", `--package=${tarball}`, "--", "kanaria", "compile", "broken", "good"], { cwd });
    assert.equal(r.status, 1, show(r));
    assert.match(r.stdout, BROKEN_DIAGNOSTIC);
    assert.match(r.stdout, /^2 apps checked: 1 error/m);
  } finally {
    // npx installs into the npm cache's _npx/<hash>/, one per package spec: remove this run's.
    const npx = join(run(npm!, ["config", "get", "cache"]).stdout.trim(), "_npx");
    for (const d of existsSync(npx) ? readdirSync(npx) : []) {
      const manifest = join(npx, d, "package.json");
      if (existsSync(manifest) && readFileSync(manifest, "utf8").includes(tarball)) rmSync(join(npx, d), { recursive: true, force: true });
    }
  }
});

it(
  "pre-commit (Debian's) installs the hook from a clone and blocks a commit with a broken app, passes a good one",
  { ...needNpm, ...requirement("pre-commit", !!preCommit, "needs pre-commit (apt-get install pre-commit)") },
  () => {
    // The hook repository: the copy of this checkout, committed (node_modules/ is git-ignored).
    const hookRepo = source;
    const git = (cwd: string, ...args: string[]) => run("git", args, { cwd, env: { ...onlyNode, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", PRE_COMMIT_HOME: join(tmp, "pre-commit-home") } });
    for (const args of [["init", "-q"], ["add", "-A"], ["commit", "-qm", "hook repo"]]) assert.equal(git(hookRepo, ...args).status, 0);
    const rev = git(hookRepo, "rev-parse", "HEAD").stdout.trim();

    const user = join(tmp, "pre-commit-user");
    mkdirSync(user);
    assert.equal(git(user, "init", "-q").status, 0);
    writeFileSync(join(user, ".pre-commit-config.yaml"), `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: kanaria-compile\n`);
    assert.equal(run(preCommit!, ["install"], { cwd: user, env: { ...onlyNode, PRE_COMMIT_HOME: join(tmp, "pre-commit-home") } }).status, 0);
    const { broken } = apps(join(user, "apps"));

    // First commit: the hook's environment is set up now (timed for the report, not asserted).
    git(user, "add", "-A");
    const t0 = performance.now();
    const blocked = git(user, "commit", "-m", "broken app");
    console.log(`# first pre-commit run (hook install included): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    assert.notEqual(blocked.status, 0, show(blocked));
    assert.match(blocked.stdout + blocked.stderr, BROKEN_DIAGNOSTIC);
    assert.notEqual(git(user, "rev-parse", "--verify", "-q", "HEAD").status, 0, "nothing was committed");

    rmSync(broken, { recursive: true });
    git(user, "add", "-A");
    const t1 = performance.now();
    const passed = git(user, "commit", "-m", "good app");
    console.log(`# second pre-commit run: ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    assert.equal(passed.status, 0, show(passed));
    assert.match(passed.stdout + passed.stderr, /kanaria compile\.+Passed/);
    assert.equal(git(user, "rev-parse", "--verify", "-q", "HEAD").status, 0);
  },
);

it("the files the Dockerfile copies, production dependencies only: serve starts from another folder and answers /healthz and /", needNpm, async () => {
  const dockerfile = readFileSync(`${ROOT}Dockerfile`, "utf8").replace(/\\\n/g, " ");
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const deps = stages.find((s) => / AS deps\b/.test(s.split("\n")[0]));
  const final = stages[stages.length - 1];
  assert.ok(deps, "Dockerfile has a deps stage");
  assert.match(final.split("\n")[0], new RegExp(`^oven/bun:${pkg.dependencies.bun.replaceAll(".", "\\.")}\\b`), "the image's Bun is the version the package pins (the one this test runs it with)");

  // Stage deps: its COPY sources, then its RUN lines (npm ci --omit=dev ...), offline-friendly.
  const depsDir = join(tmp, "docker-deps");
  mkdirSync(depsDir);
  for (const [, args] of deps!.matchAll(/^COPY (?!--)(.+)$/gm)) for (const src of args.trim().split(/\s+/).slice(0, -1)) cpSync(`${ROOT}${src}`, join(depsDir, src));
  for (const [, cmd] of deps!.matchAll(/^RUN (.+)$/gm)) {
    const r = run("sh", ["-c", cmd], { cwd: depsDir, env: { ...onlyNode, npm_config_prefer_offline: "true" } });
    assert.equal(r.status, 0, show(r));
  }

  // Final stage: exactly what it copies into /app.
  const app = join(tmp, "docker-app");
  mkdirSync(app);
  for (const [, args] of final.matchAll(/^COPY (.+)$/gm)) {
    const words = args.trim().split(/\s+/);
    const from = words[0].startsWith("--from=") ? words.shift() : undefined;
    const dest = join(app, words.pop()!);
    for (const src of words) {
      const source = from ? join(depsDir, src.replace(/^\/app\//, "")) : `${ROOT}${src}`;
      const target = dest.endsWith("/") || words.length > 1 ? join(dest, src.split("/").pop()!) : dest;
      cpSync(source, target, { recursive: true, verbatimSymlinks: true });
    }
  }
  assert.equal(existsSync(join(app, "tsconfig.json")), false, "the image has no tsconfig.json");
  assert.equal(existsSync(join(app, "node_modules/typescript")), false, "no dev dependencies");
  assert.equal(existsSync(join(app, "node_modules/@oven")), false, "no Bun binaries beside the base image's");

  const env: Record<string, string> = { ...onlyNode };
  for (const [, k, v] of final.matchAll(/^ENV (\w+)=(\S+)$/gm)) env[k] = v;
  const cmd = JSON.parse(/^CMD (\[.+\])$/m.exec(final)![1]) as string[];
  assert.equal(cmd[0], "bun");
  const bun = `${ROOT}node_modules/.bin/bun`;
  const argv = cmd.slice(1).map((a) => (a.startsWith("bin/") ? join(app, a) : a));
  await withServer([bun, ...argv], elsewhere("docker-cwd"), env, async (port) => {
    // The image's HEALTHCHECK command, against this server.
    const hc = JSON.parse(`[${/^HEALTHCHECK .*? CMD (bun -e )(".+")$/m.exec(final)![2]}]`)[0] as string;
    const r = run(bun, ["-e", hc.replace("8080", String(port))], { env });
    assert.equal(r.status, 0, `HEALTHCHECK: ${show(r)}`);
  });
});

it("deno run -A npm:kanaria in a project that installed the package with npm", needNpm, () => {
  // Deno refuses TypeScript under node_modules, so the launcher hands over to the packaged Bun.
  const project = elsewhere("deno-project");
  writeFileSync(join(project, "package.json"), '{ "private": true }\n');
  const install = run(npm!, ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund"], { cwd: project });
  assert.equal(install.status, 0, show(install));
  apps(project);
  const r = run(`${ROOT}node_modules/.bin/deno`, ["run", "-A", "npm:kanaria", "compile", "broken", "good"], { cwd: project });
  assert.equal(r.status, 1, show(r));
  assert.match(r.stdout, BROKEN_DIAGNOSTIC);
  assert.match(r.stdout, /^2 apps checked: 1 error/m);
});

it("bunx with the tarball", needNpm, () => {
  const cwd = elsewhere("bunx-user");
  apps(cwd);
  const bun = `${ROOT}node_modules/.bin/bun`;
  const version = run(bun, ["x", `--package=${tarball}`, "kanaria", "version"], { cwd });
  assert.equal(version.status, 0, show(version));
  // bunx installs into its cache under a folder named after the tarball's path: remove it after.
  const installed = /^compiler: prebuilt bundle (.+)\/node_modules\/kanaria\/dist\/compiler-cli\.js$/m.exec(version.stdout)?.[1];
  try {
    assert.ok(installed, `bunx runs the prebuilt bundle:\n${show(version)}`);
    const r = run(bun, ["x", `--package=${tarball}`, "kanaria", "compile", "broken", "good"], { cwd });
    assert.equal(r.status, 1, show(r));
    assert.match(r.stdout, BROKEN_DIAGNOSTIC);
  } finally {
    if (installed?.includes(tmp)) rmSync(installed, { recursive: true, force: true });
  }
});

for (const [name, options, fn] of shardOf(cases)) test(name, { ...SLOW, ...options }, fn);

/**
 * Starts `argv` (a `serve` command line; `--config` and `--data` are replaced by a temporary
 * config listening on a free port), waits for /healthz, fetches / and stops it.
 */
async function withServer(argv: string[], cwd: string, env: Record<string, string>, more?: (port: number) => Promise<void>): Promise<void> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmp, "serve-"));
  const config = join(dir, "runtime.yaml");
  writeFileSync(config, `apiVersion: kanaria.dev/v1alpha1\nkind: Runtime\nspec:\n  platformProviders:\n    - name: ecs\n      type: ECS\n      config: { region: us-east-1 }\n  server:\n    address: 127.0.0.1:${port}\n`);
  const args = [...argv];
  const set = (flag: string, value: string) => {
    const i = args.indexOf(flag);
    if (i >= 0) args[i + 1] = value;
    else args.push(flag, value);
  };
  set("--config", config);
  set("--data", join(dir, "data"));
  const child = spawn(args[0], args.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    const base = `http://127.0.0.1:${port}`;
    await until(
      `${argv.join(" ")} to answer /healthz`,
      async () => {
        if (child.exitCode !== null) throw new Error("exited");
        return (await fetch(`${base}/healthz`)).ok;
      },
      120_000,
    ).catch((e) => {
      throw new Error(`${(e as Error).message}; exit ${child.exitCode}; output:\n${out}`);
    });
    const page = await fetch(`${base}/`);
    const html = await page.text();
    assert.equal(page.status, 200, `${html}\n${out}`);
    assert.match(html, /^<!doctype html>/i);
    assert.match(html, /<html lang="en">/);
    await more?.(port);
  } finally {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
  assert.doesNotMatch(out, /internal error|Cannot find package/, out);
}
