// Judges one metric sample with its check's strategy: the only place that maps a strategy to its
// judge (threshold.ts, previous.ts, canary.ts), so run-analysis.ts only queries and records.
import type { PreviousRun } from "../previous-runs.ts";
import type { MetricParams, SampleRecord, Variant } from "../types.ts";
import { judgeCanary } from "./canary.ts";
import type { Judgement } from "./judgement.ts";
import { judgePrevious } from "./previous.ts";
import { judgeThreshold } from "./threshold.ts";

/**
 * `values`: the sample's series per variant (in `variants` order). `findPrevious` looks up the
 * last successful deployment's series (PREVIOUS only); what it found is returned as `previous`.
 */
export async function judgeMetric(
  m: Pick<MetricParams, "strategy" | "expected" | "deviation">,
  variants: readonly Variant[],
  values: SampleRecord["values"],
  findPrevious: (variant: Variant) => Promise<PreviousRun | null>,
): Promise<{ judgement: Judgement; previous?: number[] }> {
  switch (m.strategy) {
    case "THRESHOLD":
      return { judgement: judgeThreshold(values[variants[0]]!, m.expected) };
    case "PREVIOUS": {
      const v = variants[0];
      const prev = values[v]!.length ? await findPrevious(v) : null;
      return { judgement: judgePrevious(values[v]!, prev, m.deviation), ...(prev ? { previous: prev.values } : {}) };
    }
    case "CANARY_PRIMARY":
    case "CANARY_BASELINE": {
      const other = variants[1] ?? (m.strategy === "CANARY_PRIMARY" ? "primary" : "baseline");
      return { judgement: judgeCanary(values[variants[0]] ?? [], values[other] ?? [], other, m.deviation) };
    }
    default:
      return { judgement: { verdict: "fail", reason: `unknown strategy ${(m as { strategy: string }).strategy}` } };
  }
}
