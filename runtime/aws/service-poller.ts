// Batches DescribeServices across every deployment that shares an ECS client: all services a
// tick wants, grouped by cluster, ten per call (the API maximum). The answer includes each
// service's task sets, so one call covers every wait of up to ten deployments.
import { DescribeServicesCommand, type Service } from "@aws-sdk/client-ecs";
import type { AwsApi } from "./call.ts";

interface Waiter {
  resolve: (s: Service | null) => void;
  reject: (e: unknown) => void;
}

export const DESCRIBE_SERVICES_MAX = 10;
const URGENT_WINDOW_MS = 20;

export class ServicePoller {
  private pending = new Map<string, Map<string, Waiter[]>>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = 0;
  private timerAt = 0;
  /** DescribeServices calls issued (for the benchmark and tests). */
  calls = 0;

  constructor(
    private readonly ecs: AwsApi,
    /** Real ms between two batches; requests arriving in between share the next batch. */
    readonly intervalMs: number,
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
      this.schedule(poll ? undefined : URGENT_WINDOW_MS);
    });
  }

  private schedule(within?: number): void {
    const now = performance.now();
    let at = Math.max(now, this.lastFlush + this.intervalMs);
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
    this.pending = new Map();
    for (const [cluster, byService] of batch) {
      const names = [...byService.keys()].filter((n) => byService.get(n)!.length > 0);
      for (let i = 0; i < names.length; i += DESCRIBE_SERVICES_MAX) {
        const chunk = names.slice(i, i + DESCRIBE_SERVICES_MAX);
        this.calls++;
        this.ecs
          .call(new DescribeServicesCommand({ cluster, services: chunk }))
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
  }
}
