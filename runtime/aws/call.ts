// One rate-limited, retrying way to send an AWS command. The SDK's own retries are off
// (maxAttempts 1) so that every attempt passes the token bucket and is counted in /metrics.
//
// Every attempt has a per-call timeout in real time (the simulator's time scale does not apply:
// it bounds a socket, not the modelled world). A timeout, a 5xx or a broken connection is
// ambiguous for a write: the call may have taken effect. Writes are therefore either idempotent
// when re-sent (clientToken, or they set a value) or pass a `readBack` that looks for the effect
// before the next attempt.
import { isThrottle, isTransient } from "./errors.ts";
import type { TokenBucket } from "./token-bucket.ts";
import type { RuntimeMetrics } from "../metrics/registry.ts";

export interface Sender {
  send(command: any, options?: { abortSignal?: AbortSignal }): Promise<any>;
}

export interface CallPolicy {
  /** Attempts including the first (throttling, transient errors and timeouts only). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Real milliseconds one attempt may take before it is abandoned (and retried). */
  callTimeoutMs: number;
}

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

export const DEFAULT_POLICY: CallPolicy = { maxAttempts: 12, baseDelayMs: 50, maxDelayMs: 3_000, callTimeoutMs: DEFAULT_CALL_TIMEOUT_MS };

export interface CallOptions<T> {
  signal?: AbortSignal;
  /** Yields the rate limit to foreground calls (steady-state polls). */
  background?: boolean;
  /**
   * For writes that are not idempotent when re-sent: after an ambiguous failure, looks for the
   * call's effect and returns what the call would have answered (or undefined: send it again).
   */
  readBack?: () => Promise<T | undefined>;
  /**
   * Runs right before every attempt is sent (after the rate limiter's wait): throws to keep the
   * call from being sent at all (a deployment whose lease this replica lost).
   */
  guard?: () => void;
}

/**
 * The checks of an attempt, looked up once more by the clients' last middleware (after signing,
 * right before the HTTP handler): a process paused between the check before the attempt and the
 * send (SIGSTOP, a long GC) re-checks when it resumes. Keyed by the command's input object.
 */
const lastMomentChecks = new WeakMap<object, () => void>();

/** Adds the last-moment check to an SDK client's middleware stack (AwsContexts does it). */
export function checkBeforeSend(client: { middlewareStack: { add(mw: unknown, o: unknown): void } }): void {
  client.middlewareStack.add(
    (next: (args: { input: object }) => Promise<unknown>) => async (args: { input: object }) => {
      lastMomentChecks.get(args.input)?.();
      return next(args);
    },
    { step: "finalizeRequest", priority: "low", name: "kanariaCheckBeforeSend" },
  );
}

export interface AwsApi {
  readonly service: "ecs" | "elbv2";
  call<T = any>(command: any, options?: CallOptions<T>): Promise<T>;
}

/** An attempt that got no answer within the per-call timeout (it may have taken effect). */
export class CallTimeoutError extends Error {
  override readonly name = "TimeoutError";
  constructor(operation: string, ms: number) {
    super(`${operation} got no answer within ${ms} ms (per-call timeout); the call may or may not have taken effect.`);
  }
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

/** One attempt, abandoned after `timeoutMs` of real time (or when the caller's signal aborts). */
async function attempt(client: Sender, command: any, operation: string, timeoutMs: number, signal?: AbortSignal): Promise<any> {
  const ac = new AbortController();
  const onAbort = () => ac.abort(signal!.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  let timedOut: CallTimeoutError | undefined;
  const timer = setTimeout(() => {
    timedOut = new CallTimeoutError(operation, timeoutMs);
    ac.abort(timedOut);
  }, timeoutMs);
  try {
    return await client.send(command, { abortSignal: ac.signal });
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw timedOut ?? e;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

export function rateLimitedApi(
  service: "ecs" | "elbv2",
  client: Sender,
  buckets: { read: TokenBucket; write: TokenBucket },
  metrics: RuntimeMetrics,
  policy: CallPolicy = DEFAULT_POLICY,
  /** Process-wide check before every attempt (lease deadlines: it may abort callers' signals). */
  beforeAttempt?: () => void,
): AwsApi {
  return {
    service,
    async call(command, options = {}) {
      const operation = String(command?.constructor?.name ?? "Unknown").replace(/Command$/, "");
      const bucket = /^(Describe|List|Get)/.test(operation) ? buckets.read : buckets.write;
      for (let n = 1; ; n++) {
        await bucket.take(options.signal, options.background ? "background" : "foreground");
        const check = () => {
          beforeAttempt?.();
          options.guard?.();
          if (options.signal?.aborted) throw options.signal.reason;
        };
        check();
        if (command?.input && typeof command.input === "object") lastMomentChecks.set(command.input, check);
        metrics.awsCalls.inc({ service, operation });
        let ambiguous: boolean;
        try {
          return await attempt(client, command, operation, policy.callTimeoutMs, options.signal);
        } catch (e) {
          if (options.signal?.aborted) throw options.signal.reason;
          if (e instanceof CallTimeoutError) {
            metrics.awsTimeouts.inc({ service, operation });
            ambiguous = true;
          } else if (isThrottle(e)) {
            // Throttling is an answer: the call was refused, not applied.
            metrics.awsThrottles.inc({ service, operation });
            ambiguous = false;
          } else if (isTransient(e)) {
            metrics.awsErrors.inc({ service, operation });
            ambiguous = true;
          } else throw e;
          if (n >= policy.maxAttempts) throw e;
        }
        const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
        await sleep(cap / 2 + Math.random() * (cap / 2), options.signal);
        if (ambiguous && options.readBack) {
          const found = await options.readBack();
          if (found !== undefined) return found;
        }
      }
    },
  };
}
