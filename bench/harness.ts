// Shared by every benchmark: time commands in fresh processes, summarise, write results.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";

export const ROOT = new URL("../", import.meta.url).pathname;

export interface Stats {
  runs: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return { runs: s.length, medianMs: round(q(0.5)), p90Ms: round(q(0.9)), minMs: round(s[0]) };
}

export const round = (n: number) => Math.round(n * 10) / 10;

/** Wall time of a whole command, cold (a new process each run), after `warmup` discarded runs. */
export function timeCommand(cmd: string, args: string[], options: { runs: number; warmup?: number; env?: Record<string, string>; expectCode?: number }): Stats {
  const samples: number[] = [];
  for (let i = 0; i < (options.warmup ?? 2) + options.runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ["ignore", "ignore", "pipe"] });
    const ms = performance.now() - t0;
    if (r.status !== (options.expectCode ?? 0)) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    if (i >= (options.warmup ?? 2)) samples.push(ms);
  }
  return stats(samples);
}

/**
 * Like timeCommand for several commands, run round-robin (a, b, c, a, b, c, ...) so that load
 * from other work on the machine hits every command alike; the ratio between them stays fair.
 */
export function timeCommandsInterleaved(
  commands: { cmd: string; args: string[]; env?: Record<string, string>; expectCode?: number }[],
  options: { runs: number; warmup?: number },
): Stats[] {
  const samples: number[][] = commands.map(() => []);
  const warmup = options.warmup ?? 2;
  for (let i = 0; i < warmup + options.runs; i++) {
    for (const [k, c] of commands.entries()) {
      const t0 = performance.now();
      const r = spawnSync(c.cmd, c.args, { cwd: ROOT, env: { ...process.env, ...c.env }, stdio: ["ignore", "ignore", "pipe"] });
      const ms = performance.now() - t0;
      if (r.status !== (c.expectCode ?? 0)) throw new Error(`${c.cmd} ${c.args.join(" ")} exited ${r.status}: ${r.stderr}`);
      if (i >= warmup) samples[k].push(ms);
    }
  }
  return samples.map(stats);
}

export function markdownTable(header: string[], rows: (string | number)[][]): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export function saveResult(name: string, data: unknown): void {
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  writeFileSync(`${ROOT}bench/results/${name}.json`, JSON.stringify({ date: new Date().toISOString(), ...(data as object) }, null, 2) + "\n");
}
