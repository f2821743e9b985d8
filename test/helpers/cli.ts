// Runs the real CLI as a child process, on whichever runtime runs the tests.
import { spawnSync } from "node:child_process";

export const ROOT = new URL("../../", import.meta.url).pathname;
const isDeno = typeof (globalThis as any).Deno !== "undefined";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `timeoutMs`: kill the CLI after this long (then `code` is -1): for input that used to hang it. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliResult {
  const cmd = isDeno ? `${ROOT}node_modules/.bin/deno` : `${ROOT}node_modules/.bin/bun`;
  const pre = isDeno ? ["run", "--allow-all", "--no-check", `${ROOT}bin/kanaria.ts`] : [`${ROOT}bin/kanaria.ts`];
  const r = spawnSync(cmd, [...pre, ...args], { cwd: options.cwd ?? ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...options.env }, timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
