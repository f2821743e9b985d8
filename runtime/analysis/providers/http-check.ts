// HTTP checks of an ANALYSIS stage: one request per sample; the sample passes when the status
// is expectedCode and, if expectedResponse is set, the body contains it (trimmed). A wrong
// status or body is a `fail` (the service misbehaves); a request that cannot be made (refused,
// DNS, timeout) is an `error`. Both count against failureLimit.
import type { HttpParams } from "../types.ts";
import { excerpt } from "./errors.ts";

export interface HttpCheckResult {
  verdict: "pass" | "fail" | "error";
  reason: string;
  status?: number;
  elapsedMs: number;
}

export async function runHttpCheck(p: HttpParams, signal: AbortSignal, fetchImpl: typeof fetch = fetch): Promise<HttpCheckResult> {
  const t0 = performance.now();
  const headers = new Headers();
  for (const h of p.headers) headers.append(h.key, h.value);
  let res: Response;
  try {
    res = await fetchImpl(p.url, { method: p.method || "GET", headers, signal, redirect: "manual" });
  } catch (e) {
    if (signal.aborted) throw signal.reason;
    return { verdict: "error", reason: `${p.method} ${p.url} failed: ${(e as Error).message}`, elapsedMs: performance.now() - t0 };
  }
  const body = await res.text().catch(() => "");
  const elapsedMs = performance.now() - t0;
  if (res.status !== p.expectedCode) {
    return { verdict: "fail", status: res.status, elapsedMs, reason: `${p.method} ${p.url} answered ${res.status}, expected ${p.expectedCode}${body ? `: ${excerpt(body, 120)}` : ""}` };
  }
  if (p.expectedResponse !== undefined && p.expectedResponse !== "" && !body.includes(p.expectedResponse.trim())) {
    return { verdict: "fail", status: res.status, elapsedMs, reason: `${p.method} ${p.url} answered ${res.status} but the body does not contain ${JSON.stringify(p.expectedResponse.trim())}: ${excerpt(body, 120)}` };
  }
  return { verdict: "pass", status: res.status, elapsedMs, reason: `${p.method} ${p.url} answered ${res.status}` };
}
