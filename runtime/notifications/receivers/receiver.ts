// A notification destination: sends one event, throws DeliveryError on failure.
import type { NotificationEvent } from "../events.ts";

export interface Receiver {
  readonly name: string;
  send(e: NotificationEvent, signal: AbortSignal): Promise<void>;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** false: retrying cannot help (4xx other than 408/429). */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

export async function postJson(fetchImpl: typeof fetch, url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetchImpl(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, signal });
  } catch (e) {
    throw new DeliveryError(`POST ${redact(url)} failed: ${(e as Error).message}`, true);
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => "")).slice(0, 200);
    throw new DeliveryError(`POST ${redact(url)} answered ${res.status}${text ? `: ${text}` : ""}`, res.status >= 500 || res.status === 429 || res.status === 408);
  }
  return res;
}

/** Webhook URLs carry secrets in their path: show only the origin. */
export function redact(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return "(url)";
  }
}
