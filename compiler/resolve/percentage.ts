// PipeCD percentages: a number (20) or a string ("20", "20%"). Returns null when unreadable.
export function parsePercentage(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v !== "string") return null;
  const m = /^\s*(-?[0-9]+(?:\.[0-9]+)?)\s*%?\s*$/.exec(v);
  return m ? Number(m[1]) : null;
}
