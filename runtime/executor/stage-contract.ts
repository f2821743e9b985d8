// The stage contract: what a stage gets to work with (its node, the deployment's graph, the AWS
// clients, the clock, an abort signal for node timeout, deployment timeout, cancel and shutdown,
// the journal), what it returns, and the table the executor looks stages up in. The executor
// depends on this contract only; runtime/stages implements it, and the composition root
// (runtime/runtime.ts) hands the stage table to the executor, so neither imports the other.
import type { Service } from "@aws-sdk/client-ecs";
import type { AwsContext } from "../aws/clients.ts";
import type { Clock } from "../clock/clock.ts";
import type { Graph, GraphNode, NodeOfStage, StageName } from "./graph.ts";
import type { Journal } from "./journal.ts";
import type { EventBus } from "./events.ts";
import type { Snapshot } from "./snapshot.ts";
import type { PathName } from "../store/store.ts";

/** Node id under which deployment-wide steps (snapshot, task definition, service) are journaled. */
export { DEPLOYMENT_NODE } from "../../compiler/graph/node-ids.ts";

/** `N`: the node type a stage runs (its params typed by the graph schema). */
export interface StageContext<N extends GraphNode = GraphNode> {
  deploymentId: string;
  graph: Graph;
  node: N;
  path: PathName;
  aws: AwsContext;
  cluster: string;
  /** Service name; null for standalone tasks. */
  service: string | null;
  clock: Clock;
  signal: AbortSignal;
  /** Real epoch ms when the node first started (kept across restarts). */
  nodeStartedAt: number;
  journal: Journal;
  events: EventBus;
  /** State of the service before the deployment touched it (journaled once). */
  snapshot: Snapshot;
  /** Journaled side effect of this node (see Journal.step). */
  step<T>(name: string, operation: string, intent: unknown, run: () => Promise<T>, readBack?: () => Promise<T | undefined>): Promise<T>;
  /** The service with its task sets, as of the next batched DescribeServices (`poll`: a wait loop). */
  describeService(poll?: boolean): Promise<Service | null>;
  log(message: string, data?: Record<string, unknown>): void;
}

/** What a stage returns: stored as the node's outputs (shown by the API and the CLI). */
export type StageOutputs = Record<string, unknown> & {
  traffic?: { primary: number; canary: number };
  message?: string;
};

/** Runs nodes of stage `S`; the stage table hands it only nodes of that stage. */
export type StageHandler<S extends StageName = StageName> = (ctx: StageContext<NodeOfStage<S>>) => Promise<StageOutputs | undefined>;

/** The stage executor of each stage name (built by runtime/stages/registry.ts). */
export type StageTable = (name: StageName) => StageHandler;
