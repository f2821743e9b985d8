// Token bucket shared by every caller of one AWS account/region: waits (FIFO) instead of letting
// ECS throttle us. ECS documents its own limits as token buckets (burst = capacity, sustained =
// refill rate); we stay below them so throttling is the exception, not the control loop.

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly queue: Array<{ resolve: () => void; reject: (e: unknown) => void; signal?: AbortSignal; onAbort?: () => void }> = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new Error("token bucket needs rate > 0 and burst >= 1");
    this.tokens = burst;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
  }

  /** Resolves when a token is available (and takes it). */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.refill();
    if (this.queue.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry: (typeof this.queue)[number] = { resolve, reject, signal };
      if (signal) {
        entry.onAbort = () => {
          const i = this.queue.indexOf(entry);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      this.queue.push(entry);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    this.refill();
    const wait = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.ratePerSecond) * 1000;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refill();
      while (this.queue.length && this.tokens >= 1) {
        const e = this.queue.shift()!;
        this.tokens -= 1;
        if (e.onAbort) e.signal?.removeEventListener("abort", e.onAbort);
        e.resolve();
      }
      this.schedule();
    }, Math.ceil(wait));
  }
}
