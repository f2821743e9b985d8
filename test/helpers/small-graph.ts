// A complete, schema-valid execution graph for tests that need one without compiling an app
// (store, notifications, fake stage contexts): every field typed as the runtime reads it.
import type { Graph, GraphNode } from "../../runtime/executor/graph.ts";

const idle = { taskSets: { primary: { version: "current" as const, scale: 100 }, canary: null }, traffic: { primary: 100, canary: 0 } };

/** A WAIT node (or any node given in `node`), with the fields every node has. */
export function waitNode(id: string, next: string | null = null): GraphNode {
  return { id, stage: "WAIT", name: id, params: { durationMs: 0 }, timeoutMs: 60_000, source: null, expect: idle, next, onFailure: null };
}

export function smallGraph(o: { digest?: string; app?: Graph["app"]; nodes?: GraphNode[]; rollback?: GraphNode[] } = {}): Graph {
  const nodes = o.nodes ?? [waitNode("n1")];
  return {
    apiVersion: "kanaria.dev/v1alpha1",
    kind: "ExecutionGraph",
    digest: o.digest ?? `sha256:${"0".repeat(64)}`,
    compiler: "test",
    app: o.app ?? { name: "web", labels: {} },
    strategy: "pipeline",
    target: { service: { serviceName: "web" }, taskDefinition: {}, accessType: "ELB", targetGroups: { primary: null, canary: null }, launchType: "FARGATE", autoRollback: true },
    timeoutMs: 3_600_000,
    entry: nodes[0]?.id ?? "n1",
    nodes,
    rollback: o.rollback ?? [],
  };
}
