// When samples are taken and which window each one reads. Offsets are deployment time since the
// ANALYSIS node started; windows are in the metric source's clock.
//
//   sample k (k = 1, 2, ...) is taken at  t_k = delay + k × interval
//   and reads the window                  [now_src − delay − interval, now_src − delay]
//
// so the first window starts when the analysis starts and the windows tile the analysis.
// Samples are taken while t_k <= duration; every check takes at least one sample (if
// delay + interval > duration the analysis runs until that first sample).
import type { QueryWindow, SamplingParams } from "./types.ts";

export function sampleOffsets(p: Pick<SamplingParams, "intervalMs" | "delayMs">, durationMs: number): number[] {
  const interval = Math.max(1, p.intervalMs);
  const out: number[] = [];
  for (let k = 1; ; k++) {
    const t = p.delayMs + k * interval;
    if (k > 1 && t > durationMs) break;
    out.push(t);
    if (out.length >= 100_000) break;
  }
  return out;
}

/** Analysis end: duration, or later if some check's first sample comes after it. */
export function analysisEnd(durationMs: number, checks: Pick<SamplingParams, "intervalMs" | "delayMs">[]): number {
  return Math.max(durationMs, ...checks.map((c) => c.delayMs + c.intervalMs));
}

/** Prometheus step: about six points per window, between 1 s and 60 s. */
export function stepFor(intervalMs: number): number {
  return Math.min(60_000, Math.max(1_000, Math.round(intervalMs / 6 / 1000) * 1000));
}

export function windowAt(sourceNow: number, p: Pick<SamplingParams, "intervalMs" | "delayMs">): QueryWindow {
  const to = sourceNow - p.delayMs;
  return { from: to - p.intervalMs, to, stepMs: stepFor(p.intervalMs) };
}
