// PREVIOUS: this deployment's points for the window are compared (Mann-Whitney, as in
// compare.ts) with ALL the points the same metric (same provider and query) produced during the
// last successful deployment of the same app. With no previous successful run there is nothing
// to compare with: the sample passes and says so (as PipeCD does), which is what lets the first
// deployment of an app get through.
import type { PreviousRun } from "../previous-runs.ts";
import type { Deviation } from "../types.ts";
import { compareSeries } from "./compare.ts";
import type { Judgement } from "./judgement.ts";

export function judgePrevious(current: readonly number[], previous: PreviousRun | null, deviation: Deviation | undefined): Judgement {
  if (current.length === 0) return { verdict: "nodata", reason: "the query returned no points" };
  if (!previous || previous.values.length === 0) {
    return { verdict: "pass", reason: "no previous successful deployment of this app analysed this metric: nothing to compare with", detail: { previous: null } };
  }
  const j = compareSeries(current, previous.values, deviation, { a: "this deployment", b: `previous deployment ${previous.deploymentId}` });
  return { ...j, detail: { ...j.detail, previous: { deploymentId: previous.deploymentId, points: previous.values.length } } };
}
