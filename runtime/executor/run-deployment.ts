// Runs one deployment to a final state: walks the main path node by node, switches to the
// rollback path when a node fails (or times out, or is cancelled), and records every transition
// in the store, so that a new process can pick the deployment up exactly where this one stopped.
import type { AwsContext } from "../aws/clients.ts";
import { describeError } from "../aws/errors.ts";
import { SecretKeyError } from "../secrets/hybrid.ts";
import type { Clock } from "../clock/clock.ts";
import type { RuntimeMetrics } from "../metrics/registry.ts";
import { FINAL_STATES, type DeploymentRecord, type DeploymentState, type NodeRecord, type PathName, type Store } from "../store/store.ts";
import { DEPLOYMENT_NODE, type StageContext, type StageOutputs, type StageTable } from "./stage-contract.ts";
import { crashPoint } from "./crash.ts";
import type { EventBus } from "./events.ts";
import { effectiveGraph, FIRST_SYNC_NODE, needsFirstSync } from "./first-deployment.ts";
import { findNode, serviceIdentity, type Graph, type GraphNode } from "./graph.ts";
import { Interrupt, interruptOf, stopsHere, type InterruptKind } from "./interrupt.ts";
import { type Lease, LeaseLostError } from "./lease-keeper.ts";
import { isFenceRejection } from "../store/lease-sql.ts";
import { Journal } from "./journal.ts";
import { snapshotOf, taskSetObservation, type Snapshot } from "./snapshot.ts";
import { formatDuration } from "../../compiler/resolve/duration.ts";

export interface ExecutorDeps {
  store: Store;
  events: EventBus;
  clock: Clock;
  metrics: RuntimeMetrics;
  awsFor(graph: Graph): Promise<AwsContext>;
  stages: StageTable;
}

type NodeResult = { ok: true; outputs: StageOutputs } | { ok: false; error: string; interrupt: InterruptKind | null };

export class DeploymentRun {
  private current: AbortController | null = null;
  private readonly lifetime = new AbortController();

  constructor(
    private readonly deps: ExecutorDeps,
    readonly id: string,
    /** The lease this run holds: no AWS request is sent once it is lost. */
    private readonly lease?: Lease,
  ) {}

  /** Stops the node in flight: cancel / shutdown from outside. */
  interrupt(kind: InterruptKind, message: string): void {
    const reason = new Interrupt(kind, message);
    if (stopsHere(kind)) this.lifetime.abort(reason);
    this.current?.abort(reason);
  }

  private async setState(d: DeploymentRecord, state: DeploymentState, extra: Partial<DeploymentRecord> = {}): Promise<void> {
    const { store, events, clock } = this.deps;
    const final = FINAL_STATES.has(state);
    await store.updateDeployment(d.id, { state, ...extra, ...(final ? { finishedAt: clock.now(), currentNode: null } : {}) }, clock.now());
    await events.emit(d.id, "deployment.state", null, { state, ...(extra.error ? { error: extra.error } : {}) });
    if (final) this.deps.metrics.deploymentsFinished.inc({ state });
  }

  async run(): Promise<DeploymentRecord> {
    const { store, events, clock } = this.deps;
    let d = await store.getDeployment(this.id);
    if (!d) throw new Error(`unknown deployment ${this.id}`);
    if (FINAL_STATES.has(d.state)) return d;
    const graph = d.graph;
    const { cluster, service } = serviceIdentity(graph);
    const journal = new Journal(store, events, d.id);
    if (d.state === "QUEUED") {
      // Refused when another process started or cancelled it, or runs another deployment of the
      // service: it stays as the store has it (the scheduler starts it when the service is free).
      const start = await store.startDeployment(d.id, { startedAt: clock.now(), currentNode: graph.entry }, clock.now());
      if (!start.started) return (await store.getDeployment(d.id)) ?? d;
      await events.emit(d.id, "deployment.state", null, { state: "RUNNING" });
      d = (await store.getDeployment(d.id))!;
    } else {
      await events.emit(d.id, "deployment.resumed", d.currentNode, { state: d.state });
    }

    let aws: AwsContext;
    let snapshot: Snapshot;
    try {
      aws = this.lease ? leaseGuarded(await this.deps.awsFor(graph), this.lease) : await this.deps.awsFor(graph);
      snapshot = await journal.step(DEPLOYMENT_NODE, "snapshot", "DescribeServices", { cluster, service }, async () => {
        const svc = service ? await aws.poller.describe(cluster, service, this.lifetime.signal) : null;
        const primary = svc?.taskSets?.find((t) => t.status === "PRIMARY");
        if (primary) {
          const seen = taskSetObservation(primary, { role: "primary", version: "current" });
          await events.emit(this.id, "log", DEPLOYMENT_NODE, { message: `primary task set ${primary.id}: ${seen.line}`, ...seen.data });
        }
        return snapshotOf(svc);
      });
    } catch (e) {
      if (stopsHere(interruptOf(e)?.kind)) return (await store.getDeployment(d.id))!;
      const error = e instanceof SecretKeyError ? e.message : `Could not read the service before deploying: ${describeError(e)}`;
      await this.setState(d, "FAILED", { error });
      return (await store.getDeployment(d.id))!;
    }

    const eg = effectiveGraph(graph, snapshot);
    if (needsFirstSync(graph, snapshot) && d.state === "RUNNING" && (await store.getNode(d.id, FIRST_SYNC_NODE)) === null) {
      await store.ensureNode(d.id, FIRST_SYNC_NODE, "main", "ECS_SYNC", -1);
      for (const n of graph.nodes) await store.updateNode(d.id, n.id, { state: "SKIPPED" });
      await store.updateDeployment(d.id, { currentNode: FIRST_SYNC_NODE }, clock.now());
      await events.emit(d.id, "log", FIRST_SYNC_NODE, { message: `Service ${service} has no primary task set yet: running a quick sync instead of the pipeline.` });
      d = (await store.getDeployment(d.id))!;
    }

    for (;;) {
      d = (await store.getDeployment(d.id))!;
      const nodeId = d.currentNode;
      if (!nodeId) break;
      const found = findNode(eg, nodeId);
      if (!found) {
        await this.setState(d, "FAILED", { error: `Node ${nodeId} is not in the graph.` });
        break;
      }
      const { node, path } = found;
      const result = await this.runNode(d, eg, node, path, aws, snapshot, cluster, service, journal);
      if (!result.ok && stopsHere(result.interrupt)) return (await store.getDeployment(d.id))!;
      d = (await store.getDeployment(d.id))!;
      if (result.ok) {
        if (node.next) {
          await store.updateDeployment(d.id, { currentNode: node.next }, clock.now());
          continue;
        }
        if (path === "main") await this.setState(d, "SUCCEEDED");
        else await this.setState(d, d.cancelRequested ? "CANCELLED" : "ROLLED_BACK");
        break;
      }
      if (path === "main" && node.onFailure && graph.target.autoRollback) {
        for (const n of eg.nodes) {
          const rec = await store.getNode(d.id, n.id);
          if (rec?.state === "PENDING") await store.updateNode(d.id, n.id, { state: "SKIPPED" });
        }
        await this.setState(d, "ROLLING_BACK", { failedNode: node.id, currentNode: node.onFailure, error: result.error });
        continue;
      }
      await this.setState(d, d.cancelRequested && path === "main" ? "CANCELLED" : "FAILED", { error: path === "rollback" ? `Rollback failed at ${node.id}: ${result.error}` : result.error });
      break;
    }
    return (await store.getDeployment(d.id))!;
  }

  private async runNode(
    d: DeploymentRecord,
    graph: Graph,
    node: GraphNode,
    path: PathName,
    aws: AwsContext,
    snapshot: Snapshot,
    cluster: string,
    service: string | null,
    journal: Journal,
  ): Promise<NodeResult> {
    const { store, events, clock, metrics } = this.deps;
    const rec = await store.getNode(d.id, node.id);
    const resumed = rec?.state === "RUNNING" && rec.startedAt !== null;
    const startedAt = resumed ? rec!.startedAt! : clock.now();
    // Timeouts count the time a runtime ran the node (recorded every HEARTBEAT_MS), never the
    // time no runtime ran: a resumed node gets what was left, and at least RESUME_GRACE_MS to
    // look at the world (read-back) before its timeout is judged.
    const activeBefore = resumed ? rec!.activeMs : 0;
    const deploymentActiveBefore = path === "main" ? mainPathActiveMs(await store.getNodes(d.id), node.id) + activeBefore : 0;
    const runningSince = clock.now();
    const active = () => Math.round(activeBefore + clock.since(runningSince));
    await store.updateNode(d.id, node.id, { state: "RUNNING", startedAt, attempts: (rec?.attempts ?? 0) + 1, error: null });
    await events.emit(d.id, resumed ? "node.resumed" : "node.started", node.id, { stage: node.stage, name: node.name, path });
    crashPoint(node.id, "start");

    const controller = new AbortController();
    this.current = controller;
    const cancels: (() => void)[] = [];
    const abortAfter = (deploymentMs: number, kind: InterruptKind, message: string) => {
      const left = resumed ? Math.max(deploymentMs, RESUME_GRACE_MS) : deploymentMs;
      if (left <= 0) controller.abort(new Interrupt(kind, message));
      else cancels.push(clock.afterLimit(left, () => controller.abort(new Interrupt(kind, message))));
    };
    abortAfter(node.timeoutMs - activeBefore, "node-timeout", `${node.id} (${node.stage}) did not finish within its timeout of ${formatDuration(node.timeoutMs)}.`);
    if (path === "main") {
      if (d.cancelRequested) controller.abort(new Interrupt("cancel", "The deployment was cancelled."));
      abortAfter(graph.timeoutMs - deploymentActiveBefore, "deployment-timeout", `The deployment did not finish within its timeout of ${formatDuration(graph.timeoutMs)}.`);
    }
    if (this.lifetime.signal.aborted) controller.abort(this.lifetime.signal.reason);
    // One heartbeat write at a time, all done before the node's last write (which they must not overtake).
    let beat: Promise<void> = Promise.resolve();
    const heartbeat = setInterval(() => {
      beat = beat.then(() => store.updateNode(d.id, node.id, { activeMs: active() })).catch(() => undefined);
    }, HEARTBEAT_MS);
    cancels.push(() => clearInterval(heartbeat));

    const ctx: StageContext = {
      deploymentId: d.id,
      graph,
      node,
      path,
      aws,
      cluster,
      service,
      clock,
      signal: controller.signal,
      nodeStartedAt: startedAt,
      journal,
      events,
      snapshot,
      step: (name, operation, intent, run, readBack) => journal.step(node.id, name, operation, intent, run, { readBack }),
      describeService: (poll) => (service ? aws.poller.describe(cluster, service, controller.signal, poll) : Promise.resolve(null)),
      log: (message, data = {}) => {
        // Fire and forget: the bus keeps the order, and a store that fails fails the next awaited write.
        events.emit(d.id, "log", node.id, { message, ...data }).catch(() => undefined);
      },
    };
    const t0 = performance.now();
    let result: NodeResult;
    try {
      if (controller.signal.aborted) throw controller.signal.reason;
      const outputs = (await this.deps.stages(node.stage)(ctx)) ?? {};
      if (controller.signal.aborted && stopsHere(interruptOf(controller.signal.reason)?.kind)) throw controller.signal.reason;
      result = { ok: true, outputs };
    } catch (e) {
      const reason = controller.signal.aborted ? controller.signal.reason : e;
      // A lost lease stops the run where it is, even when a stage got to the error first.
      const intr = interruptOf(reason) ?? (e instanceof LeaseLostError || isFenceRejection(e) ? new Interrupt("lease-lost", describeError(e)) : null);
      result = { ok: false, error: intr ? intr.message : describeError(e), interrupt: intr?.kind ?? null };
    } finally {
      for (const cancel of cancels) cancel();
      this.current = null;
      await beat;
      await store.updateNode(d.id, node.id, { activeMs: active() });
    }
    const seconds = (performance.now() - t0) / 1000;
    if (result.ok) {
      await store.updateNode(d.id, node.id, { state: "SUCCEEDED", finishedAt: clock.now(), outputs: result.outputs });
      await events.emit(d.id, "node.succeeded", node.id, { stage: node.stage, outputs: result.outputs, elapsedMs: clock.now() - startedAt });
      metrics.stageDuration.observe({ stage: node.stage, result: "succeeded" }, seconds);
    } else if (!stopsHere(result.interrupt)) {
      await store.updateNode(d.id, node.id, { state: "FAILED", finishedAt: clock.now(), error: result.error });
      await events.emit(d.id, "node.failed", node.id, { stage: node.stage, error: result.error, elapsedMs: clock.now() - startedAt });
      metrics.stageDuration.observe({ stage: node.stage, result: "failed" }, seconds);
    }
    return result;
  }
}

/** The AWS APIs of a run under a lease: every attempt checks the lease right before it is sent. */
function leaseGuarded(aws: AwsContext, lease: Lease): AwsContext {
  const guard = (api: AwsContext["ecs"]): AwsContext["ecs"] => ({
    service: api.service,
    call: (command, options = {}) =>
      api.call(command, {
        ...options,
        guard: () => {
          options.guard?.();
          lease.check();
        },
      }),
  });
  return { ...aws, ecs: guard(aws.ecs), elb: guard(aws.elb) };
}

/** How often a running node's active time is recorded: at most this much is lost to a crash. */
export const HEARTBEAT_MS = 1_000;
/** Deployment time a resumed node has, at least, before its timeout is judged. */
export const RESUME_GRACE_MS = 60_000;

/** The deployment's active time: what its main-path nodes ran, except `current`. */
function mainPathActiveMs(nodes: NodeRecord[], current: string): number {
  return nodes.filter((n) => n.path === "main" && n.nodeId !== current).reduce((sum, n) => sum + n.activeMs, 0);
}

