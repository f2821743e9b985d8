// CANARY_PRIMARY and CANARY_BASELINE: both variants are queried over the same window and the
// canary's points are compared with the other variant's (see compare.ts).
import type { Deviation, Variant } from "../types.ts";
import { compareSeries } from "./compare.ts";
import type { Judgement } from "./judgement.ts";

export function judgeCanary(canary: readonly number[], other: readonly number[], otherVariant: Variant, deviation: Deviation | undefined): Judgement {
  return compareSeries(canary, other, deviation, { a: "canary", b: otherVariant });
}
