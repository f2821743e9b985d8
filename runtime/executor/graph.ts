// The runtime's view of the execution graph (schema/graph.schema.json, the input contract).
// Declared here, structurally, so the runtime does not depend on where the compiler keeps its
// generated types; POST /api/deployments validates bodies against the schema itself.

export type StageName =
  | "ECS_SYNC"
  | "ECS_CANARY_ROLLOUT"
  | "ECS_PRIMARY_ROLLOUT"
  | "ECS_TRAFFIC_ROUTING"
  | "ECS_CANARY_CLEAN"
  | "WAIT"
  | "WAIT_APPROVAL"
  | "ANALYSIS"
  | "SCRIPT_RUN"
  | "ROLLBACK_TRAFFIC"
  | "ROLLBACK_PRIMARY"
  | "ROLLBACK_CLEAN"
  | "ROLLBACK_SCRIPT_RUN";

export interface TargetGroupRef {
  targetGroupArn: string;
  containerName?: string;
  containerPort?: number;
  loadBalancerName?: string;
}

export type ExpectedTaskSet = { version: "current" | "new"; scale: number } | null;

export interface ExpectedState {
  taskSets: { primary: ExpectedTaskSet; canary: ExpectedTaskSet };
  traffic: { primary: number; canary: number };
}

export interface GraphNode {
  id: string;
  stage: StageName;
  name: string;
  params: Record<string, any>;
  timeoutMs: number;
  source: { file: string; line: number; column: number; endLine: number; endColumn: number } | null;
  expect: ExpectedState;
  next: string | null;
  onFailure: string | null;
}

export interface Graph {
  apiVersion: "kanaria.dev/v1alpha1";
  kind: "ExecutionGraph";
  digest: string;
  compiler: string;
  source?: { app: string; serviceDefinitionFile?: string; taskDefinitionFile?: string };
  app: { name: string; labels: Record<string, string>; description?: string; platformProvider?: string };
  strategy: "pipeline" | "quickSync" | "standalone";
  target: {
    cluster?: string;
    service: Record<string, any> | null;
    taskDefinition: Record<string, any>;
    accessType: "ELB" | "SERVICE_DISCOVERY";
    targetGroups: { primary: TargetGroupRef | null; canary: TargetGroupRef | null };
    launchType: "FARGATE" | "EC2";
    awsvpcConfiguration?: Record<string, any>;
    autoRollback: boolean;
    image?: string;
  };
  timeoutMs: number;
  entry: string;
  nodes: GraphNode[];
  rollback: GraphNode[];
}

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
