// THRESHOLD: the sample value is the MEAN of the points the query returned for the window; the
// sample passes when min <= value <= max (either bound may be absent). The mean (not each
// point, as PipeCD does) keeps one noisy point of a per-second series from failing a sample,
// while a ratio query over per-minute ALB metrics (one or a few points) behaves the same.
import { fmt, type Judgement, mean } from "./judgement.ts";

export function judgeThreshold(values: readonly number[], expected: { min?: number; max?: number } | undefined): Judgement {
  if (values.length === 0) return { verdict: "nodata", reason: "the query returned no points" };
  const value = mean(values);
  const detail = { value, points: values.length, min: Math.min(...values), max: Math.max(...values), expected: expected ?? {} };
  const lo = expected?.min;
  const hi = expected?.max;
  if (lo === undefined && hi === undefined) return { verdict: "fail", reason: "THRESHOLD needs expected.min or expected.max", detail };
  const range = `${lo !== undefined ? `min ${fmt(lo)}` : ""}${lo !== undefined && hi !== undefined ? ", " : ""}${hi !== undefined ? `max ${fmt(hi)}` : ""}`;
  const of = values.length > 1 ? ` (mean of ${values.length} points)` : "";
  if (lo !== undefined && value < lo) return { verdict: "fail", reason: `value ${fmt(value)}${of} is below min ${fmt(lo)}`, detail };
  if (hi !== undefined && value > hi) return { verdict: "fail", reason: `value ${fmt(value)}${of} is above max ${fmt(hi)}`, detail };
  return { verdict: "pass", reason: `value ${fmt(value)}${of} is within ${range}`, detail };
}
