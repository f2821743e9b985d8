// Compares two series with the Mann-Whitney U test (alpha 0.05). `deviation` says which
// difference is a failure: HIGH = the first series (canary / this deployment) is significantly
// HIGHER (one-sided, alternative "greater"), LOW = significantly lower ("less"), EITHER =
// two-sided. When the sizes make significance impossible (e.g. one point per side), the sample
// is `nodata`: a comparison that cannot fail must not be reported as a pass.
import { type Alternative, mannWhitney, smallestPossibleP } from "../mann-whitney.ts";
import type { Deviation } from "../types.ts";
import { fmt, type Judgement, median } from "./judgement.ts";

export const ALPHA = 0.05;

const ALTERNATIVE: Record<Deviation, Alternative> = { HIGH: "greater", LOW: "less", EITHER: "two.sided" };

export function compareSeries(a: readonly number[], b: readonly number[], deviation: Deviation | undefined, names: { a: string; b: string }): Judgement {
  const dev = deviation ?? "EITHER";
  if (a.length === 0 || b.length === 0) {
    const missing = [a.length === 0 ? names.a : null, b.length === 0 ? names.b : null].filter(Boolean).join(" and ");
    return { verdict: "nodata", reason: `no points for the ${missing}` };
  }
  const alternative = ALTERNATIVE[dev];
  const minP = smallestPossibleP(a.length, b.length, alternative);
  if (minP >= ALPHA) {
    return {
      verdict: "nodata",
      reason: `too few points to compare (${names.a} ${a.length}, ${names.b} ${b.length}): even a complete separation would give p = ${fmt(minP)} >= ${ALPHA}; use a longer interval or a finer resolution (Datadog .rollup(avg, 10), Prometheus step)`,
      detail: { points: { [names.a]: a.length, [names.b]: b.length }, smallestPossibleP: minP },
    };
  }
  const r = mannWhitney(a, b, { alternative });
  const ma = median(a);
  const mb = median(b);
  const detail = { test: "mann-whitney", alternative, deviation: dev, w: r.w, p: r.p, method: r.method, alpha: ALPHA, median: { [names.a]: ma, [names.b]: mb }, points: { [names.a]: a.length, [names.b]: b.length } };
  const stats = `Mann-Whitney W=${fmt(r.w)}, p=${fmt(r.p)}${r.method === "exact" ? " exact" : ""}, ${alternative === "two.sided" ? "two-sided" : "one-sided"}`;
  const medians = `${names.a} median ${fmt(ma)} vs ${names.b} median ${fmt(mb)}`;
  if (r.p < ALPHA) {
    const dir = dev === "HIGH" ? "higher" : dev === "LOW" ? "lower" : ma >= mb ? "higher" : "lower";
    return { verdict: "fail", reason: `${medians}: ${names.a} is significantly ${dir} (${stats} < ${ALPHA})`, detail };
  }
  return { verdict: "pass", reason: `${medians}: no significant ${dev === "HIGH" ? "increase" : dev === "LOW" ? "decrease" : "difference"} (${stats})`, detail };
}
