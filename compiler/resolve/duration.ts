// Go's time.ParseDuration syntax ("150s", "1h30m", "1.5h", "500ms"), which PipeCD uses.
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/y;

/** Milliseconds, or null when the text is not a Go duration. "0" alone is allowed, as in Go. */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (s === "0") return 0;
  if (s === "") return null;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const start = PART.lastIndex;
    const m = PART.exec(s);
    if (!m || m.index !== start) return null;
    total += Number(m[1]) * UNIT_MS[m[2]];
  }
  return Math.round(total);
}

/** Inverse for messages: 150000 -> "2m30s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join("");
}

/**
 * Rounded, for times measured (elapsed, sample offsets): 850ms, 12s, 4m05s, 1h02m. Self-contained:
 * the status page sends its source to the browser.
 */
export function shortDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h}h${String(m % 60).padStart(2, "0")}m` : `${h}h`;
}
