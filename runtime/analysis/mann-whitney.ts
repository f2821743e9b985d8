// The Mann-Whitney U test (Wilcoxon rank-sum), as R's `wilcox.test(x, y)` computes it:
// W = (sum of the ranks of x in the pooled sample) - n_x(n_x+1)/2, midranks for ties;
// the exact null distribution when both samples are small (< 50) and there are no ties,
// otherwise the normal approximation with tie correction and continuity correction.

export type Alternative = "two.sided" | "greater" | "less";

export interface MannWhitneyOptions {
  alternative?: Alternative;
  /** true: always exact (throws on ties); false: always the normal approximation; default: R's rule. */
  exact?: boolean;
  /** Continuity correction of the normal approximation (R's default: true). */
  correct?: boolean;
}

export interface MannWhitneyResult {
  /** R's W statistic: U of the first sample. */
  w: number;
  p: number;
  method: "exact" | "normal";
  nx: number;
  ny: number;
  /** Standardised statistic of the normal approximation (undefined for exact). */
  z?: number;
}

/** Midranks (1-based) of values; ties get the mean of the ranks they span. */
export function midranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const r = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = r;
    i = j + 1;
  }
  return ranks;
}

/**
 * Standard normal lower tail P(Z <= x), double precision (Hart 1968 as given by G. West,
 * "Better approximations to cumulative normal functions", Wilmott 2005).
 */
export function pnorm(x: number): number {
  const a = Math.abs(x);
  let c: number;
  if (a > 37) c = 0;
  else {
    const e = Math.exp((-a * a) / 2);
    if (a < 7.07106781186547) {
      let n = 3.52624965998911e-2 * a + 0.700383064443688;
      n = n * a + 6.37396220353165;
      n = n * a + 33.912866078383;
      n = n * a + 112.079291497871;
      n = n * a + 221.213596169931;
      n = n * a + 220.206867912376;
      let d = 8.83883476483184e-2 * a + 1.75566716318264;
      d = d * a + 16.064177579207;
      d = d * a + 86.7807322029461;
      d = d * a + 296.564248779674;
      d = d * a + 637.333633378831;
      d = d * a + 793.826512519948;
      d = d * a + 440.413735824752;
      c = (e * n) / d;
    } else {
      let b = a + 0.65;
      b = a + 4 / b;
      b = a + 3 / b;
      b = a + 2 / b;
      b = a + 1 / b;
      c = e / b / 2.506628274631;
    }
  }
  return x > 0 ? 1 - c : c;
}

/** Upper tail P(Z > x) without cancellation. */
const pnormUpper = (x: number) => pnorm(-x);

/** Counts of the null distribution of W for sizes m, n: counts[w] = #arrangements with W = w. */
function wilcoxCounts(m: number, n: number): number[] {
  // f(i, j) over i values of x among i + j: dynamic programming on the largest element.
  // dp[j][w] for the current i; W = number of (x, y) pairs with x > y.
  let prev: number[][] = [];
  for (let j = 0; j <= n; j++) prev.push([1]); // i = 0: W = 0, one arrangement
  for (let i = 1; i <= m; i++) {
    const cur: number[][] = [];
    cur.push([1]); // j = 0: all x, W = 0
    for (let j = 1; j <= n; j++) {
      // largest element is an x (it beats all j y's): shift by j; or a y: no shift.
      const a = cur[j - 1]; // (i, j-1): largest is y
      const b = prev[j]; // (i-1, j): largest is x, adds j
      const out = new Array<number>(i * j + 1).fill(0);
      for (let w = 0; w < a.length; w++) out[w] += a[w];
      for (let w = 0; w < b.length; w++) out[w + j] += b[w];
      cur.push(out);
    }
    prev = cur;
  }
  return prev[n];
}

/** P(W <= q) under H0 (R's pwilcox(q, m, n)). */
export function pwilcox(q: number, m: number, n: number): number {
  const counts = wilcoxCounts(m, n);
  const total = counts.reduce((s, c) => s + c, 0);
  let s = 0;
  for (let w = 0; w <= Math.min(Math.floor(q), counts.length - 1); w++) s += counts[w];
  return s / total;
}

export function mannWhitney(x: readonly number[], y: readonly number[], o: MannWhitneyOptions = {}): MannWhitneyResult {
  const alternative = o.alternative ?? "two.sided";
  const nx = x.length;
  const ny = y.length;
  if (nx === 0 || ny === 0) throw new Error("mannWhitney needs at least one value in each sample");
  if ([...x, ...y].some((v) => !Number.isFinite(v))) throw new Error("mannWhitney needs finite values");
  const ranks = midranks([...x, ...y]);
  let rx = 0;
  for (let i = 0; i < nx; i++) rx += ranks[i];
  const w = rx - (nx * (nx + 1)) / 2;
  const ties = new Map<number, number>();
  for (const r of ranks) ties.set(r, (ties.get(r) ?? 0) + 1);
  const hasTies = [...ties.values()].some((t) => t > 1);
  const exact = o.exact ?? (nx < 50 && ny < 50 && !hasTies);
  if (exact) {
    if (hasTies) throw new Error("the exact test needs distinct values (there are ties)");
    let p: number;
    if (alternative === "greater") p = 1 - pwilcox(w - 1, nx, ny);
    else if (alternative === "less") p = pwilcox(w, nx, ny);
    else {
      const half = w > (nx * ny) / 2 ? 1 - pwilcox(w - 1, nx, ny) : pwilcox(w, nx, ny);
      p = Math.min(2 * half, 1);
    }
    return { w, p: clamp01(p), method: "exact", nx, ny };
  }
  const n = nx + ny;
  let tieSum = 0;
  for (const t of ties.values()) tieSum += t * t * t - t;
  const sigma = Math.sqrt(((nx * ny) / 12) * (n + 1 - tieSum / (n * (n - 1))));
  const d = w - (nx * ny) / 2;
  if (sigma === 0) return { w, p: 1, method: "normal", nx, ny, z: 0 };
  const correct = o.correct ?? true;
  const correction = !correct ? 0 : alternative === "two.sided" ? Math.sign(d) * 0.5 : alternative === "greater" ? 0.5 : -0.5;
  const z = (d - correction) / sigma;
  const p = alternative === "less" ? pnorm(z) : alternative === "greater" ? pnormUpper(z) : 2 * Math.min(pnorm(z), pnormUpper(z));
  return { w, p: clamp01(p), method: "normal", nx, ny, z };
}

const clamp01 = (p: number) => Math.min(1, Math.max(0, p));

/**
 * The smallest p-value the test can produce for these sizes (all of one sample above the other):
 * when it is not below alpha, the comparison cannot detect anything, however bad the canary.
 */
export function smallestPossibleP(nx: number, ny: number, alternative: Alternative): number {
  let c = 1;
  for (let i = 1; i <= Math.min(nx, ny); i++) c = (c * (nx + ny - Math.min(nx, ny) + i)) / i;
  return Math.min(1, (alternative === "two.sided" ? 2 : 1) / c);
}
