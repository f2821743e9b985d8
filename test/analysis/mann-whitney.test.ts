// The Mann-Whitney U test against published reference outputs of R's wilcox.test.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mannWhitney, midranks, pnorm, pwilcox, smallestPossibleP } from "../../runtime/analysis/mann-whitney.ts";

const close = (actual: number, expected: number, digits: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 0.5 * 10 ** -digits, `${what}: got ${actual}, expected ${expected} (to ${digits} decimals)`);

describe("Mann-Whitney U: R reference values", () => {
  // Source: R documentation, ?wilcox.test, "Two-sample test" example (Hollander & Wolfe 1973,
  // p. 69): permeability constants of the human chorioamnion. R prints
  //   wilcox.test(x, y, alternative = "g")                                 W = 35, p-value = 0.1272
  //   wilcox.test(x, y, alternative = "greater", exact = FALSE, correct = FALSE)  W = 35, p-value = 0.1103
  const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const y = [1.15, 0.88, 0.9, 0.74, 1.21];

  test("Hollander & Wolfe, exact (R default without ties): W = 35, p = 0.1272", () => {
    const r = mannWhitney(x, y, { alternative: "greater" });
    assert.equal(r.method, "exact");
    assert.equal(r.w, 35);
    close(r.p, 0.1272, 4, "p");
  });

  test("Hollander & Wolfe, normal approximation without correction: p = 0.1103", () => {
    const r = mannWhitney(x, y, { alternative: "greater", exact: false, correct: false });
    assert.equal(r.w, 35);
    close(r.p, 0.1103, 4, "p");
  });

  test("Hollander & Wolfe, exact = FALSE, correct = TRUE (hand-computed): z = 9.5/sqrt(200/3), p = 0.1223", () => {
    // W - nx*ny/2 = 10, minus the 0.5 correction; sigma^2 = 10*5*16/12 (no ties).
    const r = mannWhitney(x, y, { alternative: "greater", exact: false, correct: true });
    close(r.z!, 9.5 / Math.sqrt(200 / 3), 9, "z");
    close(r.p, 0.1223, 4, "p");
  });

  // Source: R, wilcox.test(mpg ~ am, data = mtcars): "W = 42, p-value = 0.001871" (with the
  // warning "cannot compute exact p-value with ties", i.e. exact = FALSE, correct = TRUE).
  // Reproduced in many tutorials (e.g. "R in Action", STHDA, UCLA OARC). mtcars$mpg by am:
  const automatic = [21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2, 10.4, 10.4, 14.7, 21.5, 15.5, 15.2, 13.3, 19.2];
  const manual = [21.0, 21.0, 22.8, 32.4, 30.4, 33.9, 27.3, 26.0, 30.4, 15.8, 19.7, 15.0, 21.4];

  test("mtcars mpg ~ am: W = 42, p = 0.001871 (ties: normal, tie + continuity correction)", () => {
    const r = mannWhitney(automatic, manual);
    assert.equal(r.method, "normal");
    assert.equal(r.w, 42);
    close(r.p, 0.001871, 6, "p");
    const forced = mannWhitney(automatic, manual, { exact: false, correct: true });
    assert.equal(forced.p, r.p);
  });

  // Source: STHDA, "Unpaired Two-Samples Wilcoxon Test in R": women vs men weights,
  // wilcox.test(women_weight, men_weight) -> "W = 15, p-value = 0.02712" (ties at 63.4 and 73.3).
  test("STHDA women/men weights: W = 15, p = 0.02712", () => {
    const women = [38.9, 61.2, 73.3, 21.8, 63.4, 64.6, 48.4, 48.8, 48.5];
    const men = [67.8, 60, 63.4, 76, 89.4, 73.3, 67.3, 61.3, 62.4];
    const r = mannWhitney(women, men, { exact: false, correct: true });
    assert.equal(r.w, 15);
    close(r.p, 0.02712, 5, "p");
    // One-sided: half of the two-sided p here (z < 0, "less").
    close(mannWhitney(women, men, { alternative: "less", exact: false }).p, 0.02712 / 2, 5, "p less");
  });

  // Source: R, wilcox.test(len ~ supp, data = ToothGrowth): "W = 575.5, p-value = 0.06449"
  // (STHDA and the R Graphics Cookbook reproduce it). ToothGrowth$len by supp (OJ first):
  test("ToothGrowth len ~ supp: W = 575.5, p = 0.06449", () => {
    const oj = [15.2, 21.5, 17.6, 9.7, 14.5, 10, 8.2, 9.4, 16.5, 9.7, 19.7, 23.3, 23.6, 26.4, 20, 25.2, 25.8, 21.2, 14.5, 27.3, 25.5, 26.4, 22.4, 24.5, 24.8, 30.9, 26.4, 27.3, 29.4, 23];
    const vc = [4.2, 11.5, 7.3, 5.8, 6.4, 10, 11.2, 11.2, 5.2, 7, 16.5, 16.5, 15.2, 17.3, 22.5, 17.3, 13.6, 14.5, 18.8, 15.5, 23.6, 18.5, 33.9, 25.5, 26.4, 32.5, 26.7, 21.5, 23.3, 29.5];
    const r = mannWhitney(oj, vc);
    assert.equal(r.w, 575.5);
    close(r.p, 0.06449, 5, "p");
  });
});

describe("Mann-Whitney building blocks", () => {
  test("midranks average tied positions", () => {
    assert.deepEqual(midranks([3, 1, 3, 2]), [3.5, 1, 3.5, 2]);
  });

  test("pnorm matches textbook quantiles", () => {
    close(pnorm(1.959963984540054), 0.975, 12, "pnorm(1.96)");
    close(pnorm(0), 0.5, 15, "pnorm(0)");
    close(pnorm(-3), 0.0013498980316301, 14, "pnorm(-3)");
    assert.ok(pnorm(-40) >= 0 && pnorm(40) === 1);
  });

  test("pwilcox: the exact distribution sums to 1 and is symmetric", () => {
    // m = n = 3: 20 arrangements; P(W <= 0) = 1/20, P(W <= 4) = 0.5 (W ranges 0..9).
    close(pwilcox(0, 3, 3), 1 / 20, 12, "P(W<=0)");
    close(pwilcox(4, 3, 3), 0.5, 12, "P(W<=4)");
    close(pwilcox(9, 3, 3), 1, 12, "P(W<=9)");
    close(pwilcox(3, 4, 5), 1 - pwilcox(16, 4, 5), 12, "symmetry");
  });

  test("smallest possible p: 1/C(n1+n2, n1) one-sided, twice that two-sided", () => {
    assert.equal(smallestPossibleP(1, 1, "greater"), 0.5);
    assert.equal(smallestPossibleP(3, 3, "greater"), 0.05);
    assert.equal(smallestPossibleP(6, 6, "two.sided"), 2 / 924);
  });

  test("all-equal samples give p = 1 (no spread, no evidence)", () => {
    const r = mannWhitney([0, 0, 0], [0, 0, 0, 0]);
    assert.equal(r.p, 1);
  });
});
