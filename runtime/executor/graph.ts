// The runtime's view of the execution graph: the types generated from
// schema/graph.schema.json (the input contract; POST /api/deployments validates bodies against
// the same schema), with `params` and the ECS service/task definition bodies (free-form objects
// in that schema) opened up for the stage executors that read them.
import type { ExecutionGraph, Node, State, TargetGroup } from "../../compiler/validate/generated/types/graph.ts";

export type StageName = Node["stage"];
export type TargetGroupRef = TargetGroup;
export type ExpectedState = State;
export type GraphNode = Omit<Node, "params"> & { params: Record<string, any> };
type Target = ExecutionGraph["target"];
export type Graph = Omit<ExecutionGraph, "nodes" | "rollback" | "target"> & {
  nodes: GraphNode[];
  rollback: GraphNode[];
  target: Omit<Target, "service" | "taskDefinition"> & { service: Record<string, any> | null; taskDefinition: Record<string, any> };
};

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
