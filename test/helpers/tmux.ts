// A real terminal for tests: a detached tmux session of a given size on a private server socket,
// running a shell command; the screen is read back with capture-pane (wrapped lines joined, so a
// line too long for the terminal shows as one line longer than its width).
import { spawnSync } from "node:child_process";
import { until } from "./cli.ts";
import { requirement } from "./requirement.ts";

export const hasTmux = spawnSync("tmux", ["-V"], { encoding: "utf8" }).status === 0;
export const tmuxRequirement = () => requirement("tmux", hasTmux, "tmux is not installed (apt-get install -y tmux)");

export interface TmuxSession {
  /** The screen and scrollback as text; `escapes`: with the colour sequences the program wrote. */
  capture(escapes?: boolean): string;
  /** Waits until the screen matches, returns the match. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  close(): void;
}

export function startTmux(command: string, o: { columns: number; rows?: number; env?: Record<string, string> }): TmuxSession {
  const socket = `kanaria-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => spawnSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
  const env = Object.entries({ TERM: "xterm-256color", ...o.env }).map(([k, v]) => `${k}=${shellQuote(v)}`).join(" ");
  // The command's own environment is set inside the pane, as a user's shell would have it: the
  // test runner's NO_COLOR (and a fixed COLUMNS) would otherwise leak in through tmux.
  const r = tmux("new-session", "-d", "-s", "t", "-x", String(o.columns), "-y", String(o.rows ?? 50), `env -u NO_COLOR -u COLUMNS -u LINES ${env} sh -c ${shellQuote(`${command}; echo EXIT=$?; sleep 600`)}`);
  if (r.status !== 0) throw new Error(`tmux new-session failed: ${r.stderr}`);
  tmux("set-option", "-t", "t", "history-limit", "5000");
  const capture = (escapes = false) => tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "t", ...(escapes ? ["-e"] : [])).stdout;
  return {
    capture,
    waitFor: (re, timeoutMs = 240_000) => until(`the terminal to show ${re}`, () => re.exec(capture()), timeoutMs),
    close: () => void tmux("kill-server"),
  };
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
