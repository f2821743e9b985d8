// The runtime's view of the execution graph: exactly the types generated from
// schema/graph.schema.json (the compiler emits them; POST /api/deployments validates bodies
// against the same schema, params included), plus lookups over it.
import type { ExecutionGraph, Node, State, TargetGroup } from "../../compiler/validate/generated/types/graph.ts";

export type StageName = Node["stage"];
export type TargetGroupRef = TargetGroup;
export type ExpectedState = State;
export type GraphNode = Node;
export type Graph = ExecutionGraph;
/** The node type of one stage (its `params` typed by the schema). */
export type NodeOfStage<S extends StageName> = Node extends infer N ? (N extends { stage: infer T } ? (S extends T ? N : never) : never) : never;

export function findNode(graph: Graph, id: string): { node: GraphNode; path: "main" | "rollback" } | null {
  const main = graph.nodes.find((n) => n.id === id);
  if (main) return { node: main, path: "main" };
  const rb = graph.rollback.find((n) => n.id === id);
  return rb ? { node: rb, path: "rollback" } : null;
}

/** Cluster and service name the graph deploys to (`cluster/service`), or the task family for standalone. */
export function serviceIdentity(graph: Graph): { cluster: string; service: string | null } {
  const cluster = graph.target.cluster ?? String(graph.target.service?.cluster ?? "default");
  const service = graph.target.service ? String(graph.target.service.serviceName ?? "") : null;
  return { cluster, service };
}
