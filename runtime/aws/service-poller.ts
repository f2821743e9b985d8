// Batches DescribeServices across every deployment that shares an ECS client: all services a
// tick wants, grouped by cluster, ten per call (the API maximum). The answer includes each
// service's task sets, so one call covers every wait of up to ten deployments.
// The cadence adapts to the fleet: a round of k calls waits at least k / (POLL_SHARE × read
// rate) before the next, so polls never take more than their share of the describe budget
// however many services are waiting, and a round made only of polls rides the token bucket's
// background lane, behind the stages' one-off reads.
import { DescribeServicesCommand, type Service } from "@aws-sdk/client-ecs";
import type { AwsApi } from "./call.ts";

interface Waiter {
  signal?: AbortSignal;
  resolve: (s: Service | null) => void;
  reject: (e: unknown) => void;
}

export const DESCRIBE_SERVICES_MAX = 10;
const URGENT_WINDOW_MS = 20;
/** Fraction of the ECS read rate that steady-state polling may use. */
export const POLL_SHARE = 0.8;

export class ServicePoller {
  private pending = new Map<string, Map<string, Waiter[]>>();
  /** Whether a one-off read (not a poll) waits in `pending`. */
  private urgent = false;
  /** Real ms the last round's calls need of the polling budget. */
  private spacingMs = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = 0;
  private timerAt = 0;
  /** DescribeServices calls issued (for the benchmark and tests). */
  calls = 0;

  constructor(
    private readonly ecs: AwsApi,
    /** Shortest real ms between two batches; requests arriving in between share the next. */
    readonly intervalMs: number,
    /** The ECS read limiter's sustained rate (calls/s); stretches the cadence for big fleets. */
    private readonly readRate = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * The service (with its task sets), as of the next batch; null when ECS says it is MISSING.
   * `poll` requests (steady-state waits) ride the regular cadence; others (one-off reads) flush
   * the batch within URGENT_WINDOW_MS, taking every pending poll along.
   */
  describe(cluster: string, service: string, signal?: AbortSignal, poll = false): Promise<Service | null> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      let byService = this.pending.get(cluster);
      if (!byService) this.pending.set(cluster, (byService = new Map()));
      let list = byService.get(service);
      if (!list) byService.set(service, (list = []));
      const waiter: Waiter = {
        signal,
        resolve: (s) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(s);
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      };
      const onAbort = () => {
        const l = this.pending.get(cluster)?.get(service);
        const i = l?.indexOf(waiter) ?? -1;
        if (i >= 0) l!.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      list.push(waiter);
      if (!poll) this.urgent = true;
      this.schedule(poll ? undefined : URGENT_WINDOW_MS);
    });
  }

  private schedule(within?: number): void {
    const now = performance.now();
    let at = Math.max(now, this.lastFlush + Math.max(this.intervalMs, this.spacingMs));
    if (within !== undefined) at = Math.min(at, now + within);
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, at - now);
  }

  private flush(): void {
    this.lastFlush = performance.now();
    const batch = this.pending;
    const background = !this.urgent;
    this.pending = new Map();
    this.urgent = false;
    let calls = 0;
    for (const [cluster, byService] of batch) {
      const names = [...byService.keys()].filter((n) => byService.get(n)!.length > 0);
      for (let i = 0; i < names.length; i += DESCRIBE_SERVICES_MAX) {
        const chunk = names.slice(i, i + DESCRIBE_SERVICES_MAX);
        this.calls++;
        calls++;
        // Not sent when every waiter gave up meanwhile (a run stopped because its lease was lost).
        const guard = () => {
          if (!chunk.some((n) => byService.get(n)!.some((w) => !w.signal?.aborted))) throw new Error("DescribeServices not sent: nobody waits for it any more");
        };
        this.ecs
          // With its tags: a deployment applies the servicedef's tags only when they differ.
          .call(new DescribeServicesCommand({ cluster, services: chunk, include: ["TAGS"] }), { background, guard })
          .then((out: { services?: Service[] }) => {
            const found = new Map<string, Service>();
            for (const s of out.services ?? []) {
              if (s.serviceName) found.set(s.serviceName, s);
              if (s.serviceArn) found.set(s.serviceArn, s);
            }
            for (const name of chunk) {
              const svc = found.get(name) ?? found.get(name.split("/").pop()!) ?? null;
              for (const w of byService.get(name)!) w.resolve(svc);
            }
          })
          .catch((e) => {
            for (const name of chunk) for (const w of byService.get(name)!) w.reject(e);
          });
      }
    }
    this.spacingMs = (calls / (POLL_SHARE * this.readRate)) * 1000;
  }
}
