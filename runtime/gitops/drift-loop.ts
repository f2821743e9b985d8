// The drift detection loop of `kanaria serve`: every interval, every app known from Git is
// compared with what runs on ECS (drift/detect.ts, batched). It keeps each app's state for the
// API, the status page and /metrics, notifies APPLICATION_OUT_OF_SYNC once when an app enters
// that state (APPLICATION_SYNCED when it leaves it), and, for apps that ask for it with
// `trigger.onOutOfSync.disabled: false`, redeploys Git's version once the app has been out of
// sync for `minWindow` (PipeCD's onOutOfSync).
import { providerFor, serviceKeyOf, type Runtime } from "../runtime.ts";
import type { Graph } from "../executor/graph.ts";
import { gauge } from "../metrics/registry.ts";
import { IN_FLIGHT_STATES } from "../deployment-states.ts";
import { detectDrift, driftClients, type DriftApp } from "./drift/detect.ts";
import type { GitopsAgent } from "./agent.ts";
import { outOfSyncRedeploy } from "./trigger.ts";
import type { SyncState, SyncStateName } from "./views.ts";

const STATES: SyncStateName[] = ["SYNCED", "OUT_OF_SYNC", "DEPLOYING", "UNKNOWN"];

export class DriftLoop {
  private readonly states = new Map<string, SyncState>();
  /** Apps whose current drift has been notified (APPLICATION_OUT_OF_SYNC goes out once per drift). */
  private readonly notified = new Set<string>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly rt: Runtime,
    private readonly agent: GitopsAgent,
    private readonly intervalMs: number,
    private readonly log: (line: string) => void = (l) => console.log(l),
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** The state drift detection last found for the app (null: not checked yet). */
  stateOf = (repoId: string, path: string): SyncState | null => this.states.get(`${repoId}:${path}`) ?? null;

  /** One cycle over every app (cycles never overlap: a slow one makes the next wait). */
  check(): Promise<void> {
    this.running ??= this.cycle()
      .catch((e) => this.log(`drift detection failed: ${(e as Error).message}`))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async cycle(): Promise<void> {
    const now = Date.now();
    const known = await this.agent.gitGraphs();
    const inFlight = new Set((await this.rt.store.listDeployments({ states: [...IN_FLIGHT_STATES], limit: 10_000 })).map((d) => d.serviceKey));
    const apps: DriftApp[] = [];
    const graphs = new Map<string, Graph>();
    for (const a of known) {
      const key = `${a.repoId}:${a.path}`;
      if ("reason" in a) {
        this.set(key, a.name, { state: "UNKNOWN", reason: a.reason }, now);
        continue;
      }
      graphs.set(key, a.graph);
      apps.push({ key, graph: a.graph });
    }
    const results = apps.length ? await detectDrift(apps, driftClients(this.rt.aws, this.rt.providers)) : new Map();
    for (const [key, r] of results) {
      if (this.stopped) return;
      const graph = graphs.get(key)!;
      const deploying = (() => {
        try {
          return inFlight.has(serviceKeyOf(providerFor(this.rt.providers, graph), graph));
        } catch {
          return false;
        }
      })();
      const state: SyncState = deploying ? { state: "DEPLOYING", reason: "A deployment of this service is queued or running." } : { state: r.state, ...(r.reason ? { reason: r.reason } : {}), ...(r.diff.length ? { diff: r.diff } : {}) };
      const entered = this.set(key, graph.app.name, state, now);
      if (state.state === "OUT_OF_SYNC") await this.maybeRedeploy(key, graph, entered, now);
    }
  }

  /** Records the state; returns since when the app has been in it. Notifies on entering/leaving OUT_OF_SYNC. */
  private set(key: string, name: string | null, next: SyncState, now: number): number {
    const prev = this.states.get(key);
    const since = prev?.state === next.state ? (prev.since ?? now) : now;
    this.states.set(key, { ...next, checkedAt: now, since });
    const [repoId, ...rest] = key.split(":");
    const path = rest.join(":");
    const app = { name: name ?? path, labels: {} };
    // Once per drift: a check that could not tell (UNKNOWN: a describe call failed) in between does not count.
    const wasOutOfSync = this.notified.has(key);
    if (next.state === "SYNCED" || next.state === "DEPLOYING") this.notified.delete(key);
    if (next.state === "OUT_OF_SYNC" && !this.notified.has(key)) {
      this.notified.add(key);
      const fields = next.diff?.map((d) => d.path).join(", ") ?? "";
      this.rt.notifier?.notify({
        type: "APPLICATION_OUT_OF_SYNC",
        deploymentId: "",
        app,
        at: now,
        message: `${app.name} (${repoId}) is out of sync with Git${fields ? `: ${fields}` : next.reason ? `: ${next.reason}` : ""}`,
        data: { repoId, path, diff: next.diff ?? [], ...(next.reason ? { reason: next.reason } : {}) },
      });
    } else if (next.state === "SYNCED" && wasOutOfSync) {
      this.rt.notifier?.notify({ type: "APPLICATION_SYNCED", deploymentId: "", app, at: now, message: `${app.name} (${repoId}) is in sync with Git again`, data: { repoId, path } });
    }
    return since;
  }

  /** PipeCD's onOutOfSync: Git's version again, once the drift has lasted minWindow. */
  private async maybeRedeploy(key: string, graph: Graph, since: number, now: number): Promise<void> {
    const [repoId, ...rest] = key.split(":");
    const path = rest.join(":");
    const policy = outOfSyncRedeploy(this.agent.triggerSettings(repoId, path));
    if (!policy || now - since < policy.minWindowMs) return;
    try {
      const id = await this.agent.redeployOutOfSync(repoId, path);
      if (id) {
        this.log(`gitops: ${graph.app.name} (${repoId}) out of sync for ${Math.round((now - since) / 1000)}s: redeploying Git's version as deployment ${id}`);
        this.states.set(key, { state: "DEPLOYING", reason: `deployment ${id} redeploys Git's version (trigger.onOutOfSync)`, checkedAt: now, since: now });
      }
    } catch (e) {
      this.log(`gitops: ${graph.app.name} (${repoId}): onOutOfSync redeploy failed: ${(e as Error).message}`);
    }
  }

  /** /metrics: one gauge per app and state, 1 for the state it is in. */
  metrics(): string {
    const values: Array<[Record<string, string>, number]> = [];
    for (const [key, s] of this.states) {
      const [repoId, ...rest] = key.split(":");
      for (const state of STATES) values.push([{ repo_id: repoId, path: rest.join(":"), state }, s.state === state ? 1 : 0]);
    }
    return `${gauge("kanaria_application_sync_state", "Drift detection: 1 for the state each app known from Git is in (SYNCED, OUT_OF_SYNC, DEPLOYING, UNKNOWN).", values)}\n`;
  }
}
