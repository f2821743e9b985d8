// Runs a shell command (`sh -c`) for SCRIPT_RUN. node:child_process works on Bun and Deno
// alike; the child gets its own process group so a timeout or cancel kills the whole script
// (SIGTERM, then SIGKILL after a grace period), not only the shell. The group is created before
// the script runs (a wrapper shell waits for a go line on stdin), so the caller can record it
// where a restarted runtime finds it: a script orphaned by a crash can then be stopped before it
// runs again (stopProcessGroup).
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface ShellOptions {
  env?: Record<string, string>;
  cwd?: string;
  signal?: AbortSignal;
  /** Each output line, as it arrives. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** Real ms between SIGTERM and SIGKILL (default 5000). */
  killGraceMs?: number;
  /**
   * Called with the script's process group id once it exists and before the script runs (which
   * waits for it to return): record it. If it throws, the script never runs.
   */
  beforeStart?: (pgid: number) => void | Promise<void>;
}

export interface ShellResult {
  code: number | null;
  signal: string | null;
  /** Last few KB of combined output. */
  tail: string;
  aborted: boolean;
}

const TAIL_BYTES = 4096;
export const KILL_GRACE_MS = 5000;

// Waits for a go line, then becomes the script ($1). Without the line (the runtime died before it
// recorded the group) stdin ends and the script never runs.
const GATE = 'read -r _ || exit 125; exec sh -c "$1"';

const proc = () => (globalThis as any).process;

/** Sends sig to every process of the group; false if there is none (or none we may signal). */
export function signalGroup(pgid: number, sig: "SIGTERM" | "SIGKILL" | 0): boolean {
  try {
    proc().kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}

export function runShell(command: string, o: ShellOptions = {}): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(o.signal.reason);
    const env = { ...(globalThis as any).process?.env, ...(o.env ?? {}) };
    const child = spawn("sh", ["-c", GATE, "kanaria-script", command], { env, cwd: o.cwd, stdio: ["pipe", "pipe", "pipe"], detached: true });
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
      if (child.pid && signalGroup(child.pid, sig)) return;
      try {
        child.kill(sig);
      } catch {
        /* already gone */
      }
    };
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      aborted = true;
      kill("SIGTERM");
      killTimer = setTimeout(() => kill("SIGKILL"), o.killGraceMs ?? KILL_GRACE_MS);
    };
    o.signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (e) => {
      o.signal?.removeEventListener("abort", onAbort);
      reject(e);
    });
    child.stdin?.on("error", () => {
      /* the wrapper exited before reading the go line (killed); "exit" reports it */
    });
    if (child.pid) {
      const pgid = child.pid;
      // The go line is written only once the group is recorded (a store write may be async).
      Promise.resolve()
        .then(() => o.beforeStart?.(pgid))
        .then(
          () => child.stdin?.end("go\n"),
          (e) => {
            o.signal?.removeEventListener("abort", onAbort);
            kill("SIGKILL");
            child.stdout?.destroy();
            child.stderr?.destroy();
            reject(e);
          },
        );
    }
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

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** Live (not zombie) processes of the group per /proc, or null where there is no /proc. */
function liveMembers(pgid: number): number[] | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  const out: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") out.push(Number(e));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

function carries(pid: number, envEntry: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(envEntry);
  } catch {
    return false;
  }
}

/**
 * Whether process group pgid still runs the script started with `envEntry` (NAME=value) in its
 * environment. Where /proc exists, the group's live members are checked for that entry, so a
 * group id the system gave to something else since is never taken for the script (and zombies,
 * which nobody may have reaped, do not count); elsewhere any process in the group counts.
 */
export function scriptGroupAlive(pgid: number, envEntry: string): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  const members = liveMembers(pgid);
  if (members === null) return signalGroup(pgid, 0);
  return members.some((pid) => carries(pid, envEntry));
}

/**
 * Stops a script's process group left running by a process that died: SIGTERM to the group,
 * SIGKILL after graceMs, then waits until it is gone (or signal aborts). "gone": it had already
 * exited; "stopped": it was running and is now gone.
 */
export async function stopScriptGroup(pgid: number, envEntry: string, o: { graceMs?: number; signal?: AbortSignal } = {}): Promise<"gone" | "stopped"> {
  if (!scriptGroupAlive(pgid, envEntry)) return "gone";
  signalGroup(pgid, "SIGTERM");
  const killAt = Date.now() + (o.graceMs ?? KILL_GRACE_MS);
  let killed = false;
  while (scriptGroupAlive(pgid, envEntry)) {
    if (!killed && Date.now() >= killAt) {
      signalGroup(pgid, "SIGKILL");
      killed = true;
    }
    await sleep(50, o.signal);
  }
  return "stopped";
}
