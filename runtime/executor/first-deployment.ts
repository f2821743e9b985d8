// A service with no primary task set yet has nothing to compare a canary with: the pipeline runs
// as a quick sync instead (as PipeCD does for a first deployment), and says so — unless
// planner.alwaysUsePipeline asks for the pipeline every time. The decision is a pure function of the
// journaled snapshot, so a restart makes the same one.
import type { Graph, GraphNode } from "./graph.ts";
import type { Snapshot } from "./snapshot.ts";

export const FIRST_SYNC_NODE = "first-deployment-sync";

export function needsFirstSync(graph: Graph, snapshot: Snapshot): boolean {
  return graph.strategy === "pipeline" && !!graph.target.service && !snapshot.primary && graph.target.alwaysUsePipeline !== true;
}

export function firstSyncNode(graph: Graph): GraphNode {
  const MINUTE = 60_000;
  return {
    id: FIRST_SYNC_NODE,
    stage: "ECS_SYNC",
    name: "First deployment of the service: quick sync instead of the pipeline (no primary to compare a canary with)",
    params: { recreate: false, standalone: false },
    timeoutMs: 30 * MINUTE,
    source: null,
    expect: { taskSets: { primary: { version: "new", scale: 100 }, canary: null }, traffic: { primary: 100, canary: 0 } },
    next: null,
    onFailure: graph.rollback[0]?.id ?? null,
  };
}

/** The graph the executor walks: the original, or the quick-sync variant for a first deployment. */
export function effectiveGraph(graph: Graph, snapshot: Snapshot): Graph {
  if (!needsFirstSync(graph, snapshot)) return graph;
  return { ...graph, entry: FIRST_SYNC_NODE, nodes: [firstSyncNode(graph)] };
}
