// Starts deployments: one at a time per ECS service (later ones wait in QUEUED, with an event
// saying behind which one), any number of services in parallel; resumes in-flight deployments
// after a restart; cancels.
import { FINAL_STATES, type DeploymentRecord, type Store } from "../store/store.ts";
import type { EventBus } from "./events.ts";
import { DeploymentRun, type ExecutorDeps } from "./run-deployment.ts";
import type { Graph } from "./graph.ts";

export class CancelError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export class Scheduler {
  private readonly runs = new Map<string, { run: DeploymentRun; done: Promise<DeploymentRecord> }>();
  private readonly busy = new Map<string, string>(); // serviceKey -> deployment id
  private readonly waiters = new Map<string, Array<(d: DeploymentRecord) => void>>();
  private readonly announcedQueue = new Set<string>();
  private stopped = false;

  constructor(private readonly deps: ExecutorDeps & { store: Store; events: EventBus }) {}

  /** Resume deployments that were in flight when the last process stopped, then start queued ones. */
  start(): void {
    for (const d of this.deps.store.listDeployments({ states: ["RUNNING", "ROLLING_BACK"], limit: 100_000 }).reverse()) this.launch(d);
    this.kick();
  }

  submit(id: string, app: string, serviceKey: string, graph: Graph): DeploymentRecord {
    const rec = this.deps.store.createDeployment({ id, app, serviceKey, graph, createdAt: Date.now() });
    this.deps.events.emit(id, "deployment.state", null, { state: "QUEUED", app, serviceKey, digest: graph.digest });
    this.kick();
    return this.deps.store.getDeployment(id) ?? rec;
  }

  private kick(): void {
    if (this.stopped) return;
    const queued = this.deps.store.listDeployments({ states: ["QUEUED"], limit: 100_000 }).reverse();
    for (const d of queued) {
      const holder = this.busy.get(d.serviceKey);
      if (!holder) {
        this.launch(d);
      } else if (!this.announcedQueue.has(d.id)) {
        this.announcedQueue.add(d.id);
        this.deps.events.emit(d.id, "log", null, { message: `Waiting: deployment ${holder} is running on ${d.serviceKey}; one deployment at a time per service.` });
      }
    }
  }

  private launch(d: DeploymentRecord): void {
    if (this.runs.has(d.id) || this.stopped) return;
    this.busy.set(d.serviceKey, d.id);
    this.announcedQueue.delete(d.id);
    const run = new DeploymentRun(this.deps, d.id);
    const done = run
      .run()
      .catch((e) => {
        const error = `Internal error: ${e instanceof Error ? e.message : String(e)}`;
        this.deps.store.updateDeployment(d.id, { state: "FAILED", error, finishedAt: Date.now() }, Date.now());
        this.deps.events.emit(d.id, "deployment.state", null, { state: "FAILED", error });
        return this.deps.store.getDeployment(d.id)!;
      })
      .then((final) => {
        this.runs.delete(d.id);
        if (this.busy.get(d.serviceKey) === d.id) this.busy.delete(d.serviceKey);
        if (FINAL_STATES.has(final.state)) this.notify(final);
        this.kick();
        return final;
      });
    this.runs.set(d.id, { run, done });
  }

  private notify(d: DeploymentRecord): void {
    for (const w of this.waiters.get(d.id) ?? []) w(d);
    this.waiters.delete(d.id);
  }

  /** Resolves once the deployment is in a final state. */
  wait(id: string): Promise<DeploymentRecord> {
    const d = this.deps.store.getDeployment(id);
    if (!d) return Promise.reject(new Error(`unknown deployment ${id}`));
    if (FINAL_STATES.has(d.state)) return Promise.resolve(d);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  cancel(id: string): DeploymentRecord {
    const { store, events } = this.deps;
    const d = store.getDeployment(id);
    if (!d) throw new CancelError(404, `No deployment ${id}.`);
    if (FINAL_STATES.has(d.state)) throw new CancelError(409, `Deployment ${id} already finished (${d.state}); nothing to cancel.`);
    if (d.state === "QUEUED") {
      store.updateDeployment(id, { state: "CANCELLED", cancelRequested: true, finishedAt: Date.now(), error: "Cancelled before it started." }, Date.now());
      events.emit(id, "deployment.state", null, { state: "CANCELLED" });
      const final = store.getDeployment(id)!;
      this.notify(final);
      return final;
    }
    if (d.state === "ROLLING_BACK") throw new CancelError(409, `Deployment ${id} is already rolling back.`);
    store.updateDeployment(id, { cancelRequested: true }, Date.now());
    events.emit(id, "log", d.currentNode, { message: "Cancel requested: rolling back." });
    this.runs.get(id)?.run.interrupt("cancel", "The deployment was cancelled.");
    return store.getDeployment(id)!;
  }

  active(): number {
    return this.runs.size;
  }

  /** Stops every run where it is (nodes stay RUNNING in the store and resume on the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.runs.values()];
    for (const r of all) r.run.interrupt("shutdown", "The runtime is shutting down.");
    await Promise.allSettled(all.map((r) => r.done));
  }
}
