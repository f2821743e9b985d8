// Runs the real CLI as a child process, on whichever runtime runs the tests (or the one asked for).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";

export const ROOT = new URL("../../", import.meta.url).pathname;
const isDeno = typeof (globalThis as any).Deno !== "undefined";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type CliRuntime = "bun" | "deno";

/** The command line that runs `kanaria ARGS` on a runtime (default: the one running the tests). */
export function cliCommand(args: string[], runtime: CliRuntime = isDeno ? "deno" : "bun"): [string, string[]] {
  return runtime === "deno"
    ? [`${ROOT}node_modules/.bin/deno`, ["run", "--allow-all", "--no-check", `${ROOT}bin/kanaria.ts`, ...args]]
    : [`${ROOT}node_modules/.bin/bun`, [`${ROOT}bin/kanaria.ts`, ...args]];
}

/** `timeoutMs`: kill the CLI after this long (then `code` is -1): for input that used to hang it. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliResult {
  const [cmd, argv] = cliCommand(args);
  const r = spawnSync(cmd, argv, { cwd: options.cwd ?? ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...options.env }, timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface CliProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Exit code (-1 when killed by a signal). */
  exited: Promise<number>;
  /** Exit code and signal. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `kanaria ARGS` in the background. */
export function startCli(args: string[], options: { runtime?: CliRuntime; env?: Record<string, string>; cwd?: string } = {}): CliProcess {
  const [cmd, argv] = cliCommand(args, options.runtime);
  const child = spawn(cmd, argv, { cwd: options.cwd ?? ROOT, env: { ...process.env, NO_COLOR: "1", ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (out += c));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  return { child, output: () => out, exited: closed.then((r) => r.code ?? -1), closed };
}

export { until } from "./until.ts";
