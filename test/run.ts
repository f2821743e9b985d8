// `npm test`: the whole suite under Bun, then the portable part under Deno, then one closing
// line `N passed, N failed` (what CI reads). Files named *.bun.test.ts are Bun-only (they
// spawn Bun processes or use Bun APIs); every other test file must pass on both runtimes.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const runtimes = process.argv.includes("--bun-only") ? ["bun"] : process.argv.includes("--deno-only") ? ["deno"] : ["bun", "deno"];

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(`${root}${dir}`, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...testFiles(p));
    else if (e.name.endsWith(".test.ts")) out.push(p);
  }
  return out.sort();
}

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
    let output = "";
    const onData = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on("data", onData(process.stdout));
    child.stderr.on("data", onData(process.stderr));
    child.on("close", (code) => resolve({ code: code ?? 1, output: strip(output) }));
  });
}

const all = testFiles("test").filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
let passed = 0;
let failed = 0;
const lines: string[] = [];

if (runtimes.includes("bun")) {
  const r = await run(`${root}node_modules/.bin/bun`, ["test", "--timeout", "300000", ...all.map((f) => `./${f}`)]);
  const p = Number(/^\s*(\d+) pass$/m.exec(r.output)?.[1] ?? 0);
  let f = Number(/^\s*(\d+) fail$/m.exec(r.output)?.[1] ?? 0);
  if (r.code !== 0 && f === 0) f = 1; // crashed or failed to load: never report green
  passed += p;
  failed += f;
  lines.push(`bun: ${p} passed, ${f} failed`);
}

if (runtimes.includes("deno")) {
  const portable = all.filter((f) => !f.endsWith(".bun.test.ts"));
  const r = await run(`${root}node_modules/.bin/deno`, ["test", "--allow-all", "--no-check", "--quiet", ...portable]);
  // Deno's summary: "ok | 12 passed (3 steps) | 0 failed" or "FAILED | 1 passed | 2 failed".
  const m = /\|\s*(\d+) passed(?: \((\d+) steps?\))?\s*\|\s*(\d+) failed/.exec(r.output);
  const p = Number(m?.[1] ?? 0);
  let f = Number(m?.[3] ?? 0);
  if (r.code !== 0 && f === 0) f = 1;
  passed += p;
  failed += f;
  lines.push(`deno: ${p} passed, ${f} failed`);
}

console.log(`\n${lines.join("\n")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
