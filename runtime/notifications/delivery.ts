// Background delivery to one receiver: a FIFO queue drained by one worker, so a receiver gets
// events in the order they happened. A failed send is retried with exponential back-off
// (base × 2^n, capped), then dropped with a warning; a full queue drops its oldest event.
// enqueue() never waits and never throws: notifications must not slow or fail a deployment.
import type { NotificationEvent } from "./events.ts";
import { DeliveryError, type Receiver } from "./receivers/receiver.ts";

export interface DeliveryOptions {
  /** Attempts per event (default 5). */
  maxAttempts?: number;
  /** First back-off, real ms (default 1000), doubling up to maxBackoffMs (default 60000). */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  /** Per-attempt timeout, real ms (default 10000). */
  timeoutMs?: number;
  /** Queued events per receiver (default 1000). */
  maxQueue?: number;
  onDrop?: (receiver: string, e: NotificationEvent, reason: string) => void;
  onDelivered?: (receiver: string, e: NotificationEvent, attempts: number) => void;
}

export class DeliveryQueue {
  private readonly queue: NotificationEvent[] = [];
  private running: Promise<void> | null = null;
  private closed = new AbortController();
  private readonly o: Required<Omit<DeliveryOptions, "onDrop" | "onDelivered">> & Pick<DeliveryOptions, "onDrop" | "onDelivered">;

  constructor(
    private readonly receiver: Receiver,
    o: DeliveryOptions = {},
  ) {
    this.o = { maxAttempts: 5, backoffBaseMs: 1000, maxBackoffMs: 60_000, timeoutMs: 10_000, maxQueue: 1000, ...o };
  }

  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  enqueue(e: NotificationEvent): void {
    if (this.closed.signal.aborted) return;
    if (this.queue.length >= this.o.maxQueue) {
      const dropped = this.queue.shift()!;
      this.o.onDrop?.(this.receiver.name, dropped, `queue full (${this.o.maxQueue})`);
    }
    this.queue.push(e);
    if (!this.running) this.running = this.drain().finally(() => (this.running = null));
  }

  /** Resolves when everything queued so far was delivered or dropped. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops delivering; queued events are dropped. */
  close(): void {
    this.closed.abort();
    this.queue.length = 0;
  }

  private async drain(): Promise<void> {
    while (this.queue.length && !this.closed.signal.aborted) {
      const e = this.queue[0];
      await this.deliver(e);
      this.queue.shift();
    }
  }

  private async deliver(e: NotificationEvent): Promise<void> {
    let last = "";
    for (let attempt = 1; attempt <= this.o.maxAttempts; attempt++) {
      if (this.closed.signal.aborted) return;
      const signal = AbortSignal.any([this.closed.signal, AbortSignal.timeout(this.o.timeoutMs)]);
      try {
        await this.receiver.send(e, signal);
        this.o.onDelivered?.(this.receiver.name, e, attempt);
        return;
      } catch (err) {
        last = (err as Error)?.message ?? String(err);
        if (err instanceof DeliveryError && !err.retryable) break;
      }
      if (attempt < this.o.maxAttempts) {
        const wait = Math.min(this.o.maxBackoffMs, this.o.backoffBaseMs * 2 ** (attempt - 1));
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, wait);
          this.closed.signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
        });
      }
    }
    this.o.onDrop?.(this.receiver.name, e, last);
  }
}
