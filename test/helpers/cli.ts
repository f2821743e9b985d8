// Runs the real CLI as a child process, on whichever runtime runs the tests.
import { spawnSync } from "node:child_process";

export const ROOT = new URL("../../", import.meta.url).pathname;
const isDeno = typeof (globalThis as any).Deno !== "undefined";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const cmd = isDeno ? `${ROOT}node_modules/.bin/deno` : `${ROOT}node_modules/.bin/bun`;
  const pre = isDeno ? ["run", "--allow-all", "--no-check", `${ROOT}bin/kanaria.ts`] : [`${ROOT}bin/kanaria.ts`];
  const r = spawnSync(cmd, [...pre, ...args], { cwd: options.cwd ?? ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...options.env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
