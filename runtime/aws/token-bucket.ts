// Token bucket shared by every caller of one AWS account/region: waits instead of letting ECS
// throttle us. ECS documents its own limits as token buckets (burst = capacity, sustained =
// refill rate); we stay below them so throttling is the exception, not the control loop.
// Two FIFO lanes: background takes (steady-state polls, which come again anyway) get a token
// only when no foreground take (a stage's one-off read) is waiting.

export type Lane = "foreground" | "background";

interface Waiting {
  resolve: () => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly lanes: Record<Lane, Waiting[]> = { foreground: [], background: [] };
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

  /** Takes still waiting, both lanes. */
  get waiting(): number {
    return this.lanes.foreground.length + this.lanes.background.length;
  }

  /** Resolves when a token is available (and takes it). */
  take(signal?: AbortSignal, lane: Lane = "foreground"): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.refill();
    if (this.waiting === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const queue = this.lanes[lane];
      const entry: Waiting = { resolve, reject, signal };
      if (signal) {
        entry.onAbort = () => {
          const i = queue.indexOf(entry);
          if (i >= 0) queue.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      queue.push(entry);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.waiting === 0) return;
    this.refill();
    const wait = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.ratePerSecond) * 1000;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refill();
      while (this.waiting && this.tokens >= 1) {
        const e = (this.lanes.foreground.length ? this.lanes.foreground : this.lanes.background).shift()!;
        this.tokens -= 1;
        if (e.onAbort) e.signal?.removeEventListener("abort", e.onAbort);
        e.resolve();
      }
      this.schedule();
    }, Math.ceil(wait));
  }
}
