// Provider failures, classified so the engine knows whether to retry: throttling (429) and
// server errors (5xx) are retried with back-off inside the sample's time budget; bad queries,
// bad keys and other 4xx are not. Either way the sample is reported with the provider's message.

export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** Server-suggested wait before retrying (Retry-After / X-RateLimit-Reset), ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Retry-After (seconds or HTTP date) or Datadog's X-RateLimit-Reset (seconds). */
export function retryAfterMs(headers: { get(name: string): string | null } | Record<string, string> | undefined): number | undefined {
  if (!headers) return undefined;
  const get = (n: string) => (typeof (headers as any).get === "function" ? (headers as any).get(n) : ((headers as Record<string, string>)[n] ?? null));
  for (const name of ["retry-after", "x-ratelimit-reset"]) {
    const v = get(name);
    if (!v) continue;
    const n = Number(v);
    if (Number.isFinite(n) && n >= 0) return n * 1000;
    const d = Date.parse(v);
    if (Number.isFinite(d)) return Math.max(0, d - Date.now());
  }
  return undefined;
}

/** A short, single-line excerpt of a response body for messages. */
export function excerpt(text: string, max = 300): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}
