// Generic webhook: POSTs the event as JSON. With signatureValueFile, the header named
// signatureKey (default PipeCD-Signature) carries `sha256=<hex HMAC-SHA256(secret, body)>`, so
// the receiver can check both the sender and the body (PipeCD sends the secret itself; an HMAC
// never reveals it). Verify with: hmac_sha256(secret, raw_body) == header value after "sha256=".
import type { NotificationEvent } from "../events.ts";
import { postJson, type Receiver } from "./receiver.ts";

export interface WebhookOptions {
  name: string;
  url: string;
  signatureKey?: string;
  signatureSecret?: string;
  fetch?: typeof fetch;
}

export async function hmacSha256Hex(secret: string, body: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(body)));
  return [...sig].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function webhookBody(e: NotificationEvent): string {
  return JSON.stringify({
    event: e.type,
    ...(e.deploymentId ? { deploymentId: e.deploymentId } : {}),
    app: e.app,
    at: new Date(e.at).toISOString(),
    ...(e.nodeId ? { nodeId: e.nodeId } : {}),
    ...(e.stage ? { stage: e.stage } : {}),
    ...(e.state ? { state: e.state } : {}),
    ...(e.error ? { error: e.error } : {}),
    message: e.message,
    ...(e.data ? { data: e.data } : {}),
  });
}

export class WebhookReceiver implements Receiver {
  readonly name: string;
  constructor(private readonly o: WebhookOptions) {
    this.name = o.name;
  }

  async send(e: NotificationEvent, signal: AbortSignal): Promise<void> {
    const body = webhookBody(e);
    const headers: Record<string, string> = { "x-kanaria-event": e.type };
    if (this.o.signatureSecret) headers[(this.o.signatureKey ?? "PipeCD-Signature").toLowerCase()] = `sha256=${await hmacSha256Hex(this.o.signatureSecret, body)}`;
    await postJson(this.o.fetch ?? fetch, this.o.url, body, headers, signal);
  }
}
