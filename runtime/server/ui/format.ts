// Small text formatters shared by the page components.
import { shortDuration } from "../../../compiler/resolve/duration.ts";

export { shortDuration };

/** `2026-12-01 18:57:56 UTC` (the page never guesses the reader's time zone without JS). */
export function utc(ms: number | null): string {
  return ms === null ? "–" : `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export const isoOf = (ms: number | null): string | undefined => (ms === null ? undefined : new Date(ms).toISOString());

export const STATE_WORDS: Record<string, string> = {
  QUEUED: "queued",
  RUNNING: "running",
  ROLLING_BACK: "rolling back",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  ROLLED_BACK: "rolled back",
  CANCELLED: "cancelled",
  PENDING: "pending",
  SKIPPED: "skipped",
  NOT_NEEDED: "not needed",
};

export const num = (v: number): string => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2));
