// A StageContext for one node, backed by an in-memory SQL store and a real EventBus (no AWS).
import { openSqlStore } from "../../runtime/store/sql-store.ts";
import { EventBus } from "../../runtime/executor/events.ts";
import { Journal } from "../../runtime/executor/journal.ts";
import { systemClock } from "../../runtime/clock/clock.ts";
import type { StageContext } from "../../runtime/executor/context.ts";
import type { Graph, GraphNode, StageName } from "../../runtime/executor/graph.ts";
import type { Store } from "../../runtime/store/store.ts";

export interface FakeStage {
  ctx: StageContext;
  store: Store;
  events: EventBus;
  abort(reason?: unknown): void;
}

let seq = 0;

export async function fakeStage(stage: StageName, params: Record<string, unknown>, o: { timeScale?: number; store?: Store; events?: EventBus; deploymentId?: string; nodeId?: string } = {}): Promise<FakeStage> {
  const store = o.store ?? (await openSqlStore(":memory:"));
  const events = o.events ?? new EventBus(store);
  const node: GraphNode = {
    id: o.nodeId ?? "stage-0",
    stage,
    name: stage,
    params,
    timeoutMs: 60_000,
    source: null,
    expect: { taskSets: { primary: null, canary: null }, traffic: { primary: 100, canary: 0 } },
    next: null,
    onFailure: null,
  };
  const id = o.deploymentId ?? `d-test-${++seq}-${Date.now()}`;
  const graph = { app: { name: "web", labels: { env: "test", team: "payments" } }, digest: `sha256:${id}`, nodes: [node], rollback: [] } as unknown as Graph;
  if (!(await store.getDeployment(id))) (await store.createDeployment({ id, app: "web", serviceKey: "sim/demo/web", graph, createdAt: Date.now() }));
  const journal = new Journal(store, events, id);
  const controller = new AbortController();
  const clock = systemClock(o.timeScale ?? 1);
  const ctx = {
    deploymentId: id,
    graph,
    node,
    path: "main",
    cluster: "demo",
    service: "web",
    clock,
    signal: controller.signal,
    nodeStartedAt: clock.now(),
    journal,
    events,
    step: (name: string, operation: string, intent: unknown, run: () => Promise<unknown>) => journal.step(node.id, name, operation, intent, run),
    log: (message: string, data = {}) => events.emit(id, "log", node.id, { message, ...data }),
  } as unknown as StageContext;
  return { ctx, store, events, abort: (reason) => controller.abort(reason ?? new Error("aborted")) };
}
