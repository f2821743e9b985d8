// Runs a shell command (`sh -c`) for SCRIPT_RUN. node:child_process works on Bun and Deno
// alike; the child gets its own process group so a timeout or cancel kills the whole script
// (SIGTERM, then SIGKILL after a grace period), not only the shell.
import { spawn } from "node:child_process";

export interface ShellOptions {
  env?: Record<string, string>;
  cwd?: string;
  signal?: AbortSignal;
  /** Each output line, as it arrives. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** Real ms between SIGTERM and SIGKILL (default 5000). */
  killGraceMs?: number;
}

export interface ShellResult {
  code: number | null;
  signal: string | null;
  /** Last few KB of combined output. */
  tail: string;
  aborted: boolean;
}

const TAIL_BYTES = 4096;

export function runShell(command: string, o: ShellOptions = {}): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(o.signal.reason);
    const env = { ...(globalThis as any).process?.env, ...(o.env ?? {}) };
    const child = spawn("sh", ["-c", command], { env, cwd: o.cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let tail = "";
    let aborted = false;
    const partial = { stdout: "", stderr: "" };
    const feed = (stream: "stdout" | "stderr") => (chunk: Uint8Array | string) => {
      const text = typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
      tail = (tail + text).slice(-TAIL_BYTES);
      const lines = (partial[stream] + text).split("\n");
      partial[stream] = lines.pop() ?? "";
      for (const l of lines) o.onLine?.(l.replace(/\r$/, ""), stream);
    };
    child.stdout?.on("data", feed("stdout"));
    child.stderr?.on("data", feed("stderr"));
    const kill = (sig: "SIGTERM" | "SIGKILL") => {
      try {
        if (child.pid) (globalThis as any).process.kill(-child.pid, sig);
      } catch {
        try {
          child.kill(sig);
        } catch {
          /* already gone */
        }
      }
    };
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      aborted = true;
      kill("SIGTERM");
      killTimer = setTimeout(() => kill("SIGKILL"), o.killGraceMs ?? 5000);
    };
    o.signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (e) => {
      o.signal?.removeEventListener("abort", onAbort);
      reject(e);
    });
    // Finish on "close" (all output read), or shortly after "exit" when a background
    // grandchild keeps the pipes open.
    let exited: { code: number | null; signal: string | null } | null = null;
    let done = false;
    const finish = () => {
      if (done || !exited) return;
      done = true;
      o.signal?.removeEventListener("abort", onAbort);
      if (killTimer) clearTimeout(killTimer);
      for (const s of ["stdout", "stderr"] as const) if (partial[s]) o.onLine?.(partial[s], s);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({ code: exited.code, signal: exited.signal, tail, aborted });
    };
    child.on("exit", (code, signal) => {
      exited = { code, signal: signal ?? null };
      setTimeout(finish, 500);
    });
    child.on("close", (code: number | null, signal: string | null) => {
      exited ??= { code, signal: signal ?? null };
      finish();
    });
  });
}
