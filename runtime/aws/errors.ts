// Classifying AWS SDK errors: throttling and transient failures are retried with backoff,
// everything else is a real answer the stage has to deal with.

export function errorName(e: unknown): string {
  return (e as any)?.name ?? (e as any)?.Code ?? (e as any)?.code ?? "Error";
}

const THROTTLE = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "ThrottledException", "RequestThrottled", "SlowDown"]);

export function isThrottle(e: unknown): boolean {
  return THROTTLE.has(errorName(e)) || (e as any)?.$metadata?.httpStatusCode === 429;
}

/** 5xx answers and network failures: the request may or may not have been applied. */
export function isTransient(e: unknown): boolean {
  const status = (e as any)?.$metadata?.httpStatusCode;
  if (typeof status === "number" && status >= 500) return true;
  const name = errorName(e);
  if (["ServerException", "InternalFailure", "ServiceUnavailable", "InternalError", "TimeoutError", "RequestTimeout"].includes(name)) return true;
  const code = (e as any)?.code;
  if (typeof code === "string" && ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ConnectionRefused"].includes(code)) return true;
  // fetch reports a network failure as a TypeError without a code (Deno: "error reading a body from connection").
  return name === "TypeError" && /connection|network|socket|error sending request|fetch failed/i.test(String((e as any)?.message));
}

export function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name === "Error" ? "" : `${e.name}: `}${e.message}`;
  return String(e);
}
