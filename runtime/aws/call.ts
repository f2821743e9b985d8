// One rate-limited, retrying way to send an AWS command. The SDK's own retries are off
// (maxAttempts 1) so that every attempt passes the token bucket and is counted in /metrics.
import { isThrottle, isTransient } from "./errors.ts";
import type { TokenBucket } from "./token-bucket.ts";
import type { RuntimeMetrics } from "../metrics/registry.ts";

export interface Sender {
  send(command: any, options?: { abortSignal?: AbortSignal }): Promise<any>;
}

export interface CallPolicy {
  /** Attempts including the first (throttling and transient errors only). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_POLICY: CallPolicy = { maxAttempts: 12, baseDelayMs: 50, maxDelayMs: 3_000 };

export interface AwsApi {
  readonly service: "ecs" | "elbv2";
  /** `background`: yields the rate limit to foreground calls (steady-state polls). */
  call<T = any>(command: any, options?: { signal?: AbortSignal; background?: boolean }): Promise<T>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function rateLimitedApi(
  service: "ecs" | "elbv2",
  client: Sender,
  buckets: { read: TokenBucket; write: TokenBucket },
  metrics: RuntimeMetrics,
  policy: CallPolicy = DEFAULT_POLICY,
): AwsApi {
  return {
    service,
    async call(command, options = {}) {
      const operation = String(command?.constructor?.name ?? "Unknown").replace(/Command$/, "");
      const bucket = /^(Describe|List|Get)/.test(operation) ? buckets.read : buckets.write;
      for (let attempt = 1; ; attempt++) {
        await bucket.take(options.signal, options.background ? "background" : "foreground");
        metrics.awsCalls.inc({ service, operation });
        try {
          return await client.send(command, { abortSignal: options.signal });
        } catch (e) {
          if (options.signal?.aborted) throw options.signal.reason;
          const throttled = isThrottle(e);
          if (throttled) metrics.awsThrottles.inc({ service, operation });
          else if (isTransient(e)) metrics.awsErrors.inc({ service, operation });
          else throw e;
          if (attempt >= policy.maxAttempts) throw e;
          const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
          await sleep(cap / 2 + Math.random() * (cap / 2), options.signal);
        }
      }
    },
  };
}
