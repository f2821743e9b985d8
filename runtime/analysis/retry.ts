// Retries a provider call on throttling (429) and server errors (5xx) with exponential
// back-off (1 s, 2 s, 4 s of deployment time, or the server's Retry-After), at most 4 attempts,
// never past the sample's own signal (its timeout). Waits go through the deployment clock.
import type { Clock } from "../clock/clock.ts";
import { ProviderError } from "./providers/errors.ts";

export const MAX_ATTEMPTS = 4;
export const BACKOFF_BASE_MS = 1_000;

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, clock: Pick<Clock, "sleep">, signal: AbortSignal, onRetry?: (e: ProviderError, attempt: number, waitMs: number) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (signal.aborted || !(e instanceof ProviderError) || !e.retryable || attempt >= MAX_ATTEMPTS) throw e;
      const wait = Math.min(e.retryAfterMs ?? BACKOFF_BASE_MS * 2 ** (attempt - 1), 60_000);
      onRetry?.(e, attempt, wait);
      await clock.sleep(wait, signal);
    }
  }
}
