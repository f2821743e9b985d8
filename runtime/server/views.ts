// JSON shapes the API returns for deployments (the graph with its secret values redacted).
import type { DeploymentRecord, NodeRecord, Store } from "../store/store.ts";
import { redactGraph } from "../executor/graph-redaction.ts";

export interface TrafficSplit {
  primary: number;
  canary: number;
}

/** The split the listener rules carry now: the last traffic a finished node reported. */
export function currentTraffic(nodes: NodeRecord[]): TrafficSplit {
  let best: { at: number; traffic: TrafficSplit } | null = null;
  for (const n of nodes) {
    const t = n.outputs?.traffic as TrafficSplit | undefined;
    if (t && n.finishedAt !== null && (!best || n.finishedAt >= best.at)) best = { at: n.finishedAt, traffic: t };
  }
  return best?.traffic ?? { primary: 100, canary: 0 };
}

export function summary(d: DeploymentRecord) {
  return {
    id: d.id,
    app: d.app,
    service: d.serviceKey,
    digest: d.digest,
    redeployOf: d.redeployOf,
    strategy: d.graph.strategy,
    state: d.state,
    currentNode: d.currentNode,
    error: d.error,
    createdAt: iso(d.createdAt),
    startedAt: iso(d.startedAt),
    finishedAt: iso(d.finishedAt),
  };
}

export async function detail(store: Store, d: DeploymentRecord) {
  const nodes = await store.getNodes(d.id);
  return {
    ...summary(d),
    failedNode: d.failedNode,
    cancelRequested: d.cancelRequested,
    traffic: currentTraffic(nodes),
    nodes: nodes.map((n) => ({
      id: n.nodeId,
      path: n.path,
      stage: n.stage,
      state: n.state,
      attempts: n.attempts,
      startedAt: iso(n.startedAt),
      finishedAt: iso(n.finishedAt),
      error: n.error,
      outputs: n.outputs,
    })),
    graph: redactGraph(d.graph),
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
