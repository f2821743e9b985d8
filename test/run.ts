// `npm test`: every test file in its own process, several at once, on Bun (all files) and Deno
// (the portable ones: files named *.bun.test.ts are Bun-only because they spawn Bun processes or
// use Bun APIs). Prints each file's result as it ends, the full output of files that failed, the
// time every file took (slowest first), and one closing line `N passed, N failed, N skipped`
// (what CI reads).
//
//   npm test                       everything
//   npm test -- lsp crash          only files whose path contains "lsp" or "crash"
//   npm test -- --bun-only | --deno-only | --jobs N | --verbose
//
// A file can ask to be split over several processes with a header line
// `// kanaria-test-shards: N`; each process gets KANARIA_TEST_SHARD=i/N (see helpers/shard.ts).
// Every process gets KANARIA_TEST_RUN_DIR, one folder per run for work done once and shared
// (helpers/once-per-run.ts), removed at the end. The closing table gives each file's wall time
// and CPU time (user + system of its process and the processes it waited for): on a busy
// machine the CPU seconds are the numbers to compare.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";

declare const Bun: any;

const root = new URL("..", import.meta.url).pathname;
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const only = argv.filter((a, i) => !a.startsWith("--") && argv[i - 1] !== "--jobs");
const runtimes = flag("--bun-only") ? ["bun"] : flag("--deno-only") ? ["deno"] : ["bun", "deno"];
// Most files wait on sockets and child processes, so more jobs than cores keeps both cores busy.
const jobs = Number(option("--jobs") ?? process.env.KANARIA_TEST_JOBS ?? Math.max(2, availableParallelism() + 1));
const verbose = flag("--verbose");
// Durations of the last run on this machine, to start the longest files first.
const timingsFile = `${root}node_modules/.cache/kanaria/test-timings.json`;

interface Job {
  runtime: "bun" | "deno";
  file: string;
  shard?: string;
}
interface Result extends Job {
  code: number;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
  /** CPU seconds (user + system) of the file's process and the processes it waited for. */
  cpu: number;
  output: string;
}

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(`${root}${dir}`, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...testFiles(p));
    else if (e.name.endsWith(".test.ts")) out.push(p);
  }
  return out.sort();
}

const shardsOf = (file: string) => Number(/^\/\/ kanaria-test-shards: (\d+)$/m.exec(readFileSync(`${root}${file}`, "utf8"))?.[1] ?? 1);
const label = (j: Job) => `${j.runtime} ${j.file}${j.shard ? ` [${j.shard}]` : ""}`;
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

function readTimings(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(timingsFile, "utf8"));
  } catch {
    return {};
  }
}

/** Pass/fail/skip counts from one runner's summary; a crash or a file that did not load is a failure. */
function counts(runtime: Job["runtime"], code: number, output: string) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (runtime === "bun") {
    passed = Number(/^\s*(\d+) pass$/m.exec(output)?.[1] ?? 0);
    failed = Number(/^\s*(\d+) fail$/m.exec(output)?.[1] ?? 0);
    skipped = Number(/^\s*(\d+) skip$/m.exec(output)?.[1] ?? 0);
  } else {
    // "ok | 12 passed (3 steps) | 0 failed | 2 ignored (1 step)"
    const m = /\|\s*(\d+) passed(?: \(\d+ steps?\))?\s*\|\s*(\d+) failed(?:\s*\|\s*(\d+) ignored)?/.exec(output);
    passed = Number(m?.[1] ?? 0);
    failed = Number(m?.[2] ?? 0);
    skipped = Number(m?.[3] ?? 0);
  }
  if (code !== 0 && failed === 0) failed = 1;
  return { passed, failed, skipped };
}

async function run(job: Job): Promise<Result> {
  const cmd = `${root}node_modules/.bin/${job.runtime}`;
  const args = job.runtime === "bun" ? ["test", "--timeout", "300000", `./${job.file}`] : ["test", "--allow-all", "--no-check", job.file];
  const env = { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", KANARIA_TEST_RUN_DIR: runDir, ...(job.shard ? { KANARIA_TEST_SHARD: job.shard } : {}) };
  const t0 = performance.now();
  let output = "";
  let code = 1;
  let cpu = Number.NaN;
  if (typeof Bun !== "undefined") {
    // Bun.spawn reports the process's CPU time, with that of the processes it started and waited for.
    const child = Bun.spawn([cmd, ...args], { cwd: root, stdin: "ignore", stdout: "pipe", stderr: "pipe", env });
    const drain = async (stream: ReadableStream<Uint8Array>) => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) output += decoder.decode(chunk, { stream: true });
    };
    await Promise.all([drain(child.stdout), drain(child.stderr), child.exited]);
    code = child.exitCode ?? 1;
    cpu = Number(child.resourceUsage()?.cpuTime.total ?? Number.NaN) / 1e6;
  } else {
    code = await new Promise<number>((resolve) => {
      const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env });
      child.stdout.on("data", (c: Buffer) => (output += c));
      child.stderr.on("data", (c: Buffer) => (output += c));
      child.on("error", (e) => (output += `\n${e.message}\n`));
      child.on("close", (c) => resolve(c ?? 1));
    });
  }
  const text = strip(output);
  return { ...job, code, ...counts(job.runtime, code, text), seconds: (performance.now() - t0) / 1000, cpu, output: text };
}

// One folder for the whole run, for work test processes share (helpers/once-per-run.ts).
const runDir = mkdtempSync(join(tmpdir(), "kanaria-test-run-"));
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    rmSync(runDir, { recursive: true, force: true });
    process.exit(130);
  });
}
const files = testFiles("test").filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
const timings = readTimings();
const queue: Job[] = [];
for (const runtime of runtimes as Job["runtime"][]) {
  for (const file of files) {
    if (runtime === "deno" && file.endsWith(".bun.test.ts")) continue;
    const n = shardsOf(file);
    if (n === 1) queue.push({ runtime, file });
    else for (let i = 1; i <= n; i++) queue.push({ runtime, file, shard: `${i}/${n}` });
  }
}
// Longest first, by the last run here. A file not timed yet (new, or renamed) goes before all
// the others, larger files first: were it long, starting it last would make the whole run wait
// for it; being short, it costs nothing to start early.
const size = (f: string) => statSync(`${root}${f}`).size;
const guess = (j: Job) => timings[label(j)] ?? 1e6 + size(j.file) / 1e3;
queue.sort((a, b) => guess(b) - guess(a));

const results: Result[] = [];
const t0 = performance.now();
let next = 0;
async function worker(): Promise<void> {
  while (next < queue.length) {
    const r = await run(queue[next++]);
    results.push(r);
    const mark = r.failed > 0 ? "FAIL" : "ok  ";
    console.log(`${mark} ${label(r).padEnd(58)} ${String(r.passed).padStart(3)} passed ${r.failed} failed ${r.skipped} skipped  ${r.seconds.toFixed(1)}s${Number.isNaN(r.cpu) ? "" : ` (${r.cpu.toFixed(1)}s CPU)`}`);
    if (r.failed > 0 || verbose) console.log(`${r.output.trimEnd()}\n`);
    else for (const line of r.output.split("\n").filter((l) => /^# skip: /.test(l))) console.log(`     ${line.slice(2)}`);
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, worker));
const wall = (performance.now() - t0) / 1000;
rmSync(runDir, { recursive: true, force: true });

mkdirSync(`${root}node_modules/.cache/kanaria`, { recursive: true });
// Merged with the earlier entries, so running a few files keeps the others' times; written to a
// temporary file and renamed, so a concurrent run never reads half a file.
const merged = { ...readTimings(), ...Object.fromEntries(results.map((r) => [label(r), Math.round(r.seconds * 10) / 10])) };
writeFileSync(`${timingsFile}.${process.pid}`, JSON.stringify(merged));
renameSync(`${timingsFile}.${process.pid}`, timingsFile);

const cpuTotal = results.reduce((n, r) => n + (Number.isNaN(r.cpu) ? 0 : r.cpu), 0);
console.log(`\nTime per file, slowest first (${jobs} at once, ${wall.toFixed(0)} s in all; CPU: user + system of the file's processes, ${cpuTotal.toFixed(0)} s in all):`);
for (const r of [...results].sort((a, b) => b.seconds - a.seconds)) console.log(`${r.seconds.toFixed(1).padStart(7)} s ${Number.isNaN(r.cpu) ? "" : `${r.cpu.toFixed(1).padStart(7)} s CPU`}  ${label(r)}`);

const sum = (k: "passed" | "failed" | "skipped", rt?: string) => results.filter((r) => !rt || r.runtime === rt).reduce((n, r) => n + r[k], 0);
console.log("");
for (const rt of runtimes) console.log(`${rt}: ${sum("passed", rt)} passed, ${sum("failed", rt)} failed, ${sum("skipped", rt)} skipped`);
const failedFiles = results.filter((r) => r.failed > 0);
if (failedFiles.length) console.log(`failed: ${failedFiles.map(label).join(", ")}`);
console.log(`${sum("passed")} passed, ${sum("failed")} failed, ${sum("skipped")} skipped`);
process.exitCode = sum("failed") > 0 ? 1 : 0;
