// The store interface: deployments, per-node state, the side-effect journal and the event log.
// Two implementations pass the same contract suite (test/runtime/store-contract.test.ts): embedded
// SQLite (sql-store.ts) and PostgreSQL (postgres-store.ts), which several replicas share.
import type { Graph as ExecutionGraph } from "../executor/graph.ts";
import type { LeaseStore } from "./leases.ts";

export type DeploymentState = "QUEUED" | "RUNNING" | "ROLLING_BACK" | "SUCCEEDED" | "FAILED" | "ROLLED_BACK" | "CANCELLED";
export type NodeState = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "SKIPPED";
export type PathName = "main" | "rollback";

export const FINAL_STATES: ReadonlySet<DeploymentState> = new Set(["SUCCEEDED", "FAILED", "ROLLED_BACK", "CANCELLED"]);

export interface DeploymentRecord {
  id: string;
  app: string;
  /** provider/cluster/service: one deployment at a time per key. */
  serviceKey: string;
  digest: string;
  /** The latest earlier finished deployment of the same digest, when this one deploys it again. */
  redeployOf: string | null;
  graph: ExecutionGraph;
  state: DeploymentState;
  /** Node being (or about to be) executed. */
  currentNode: string | null;
  /** Main-path node whose failure started the rollback. */
  failedNode: string | null;
  cancelRequested: boolean;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface NodeRecord {
  deploymentId: string;
  nodeId: string;
  path: PathName;
  stage: string;
  state: NodeState;
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Deployment-time ms the node has run while a runtime was running it (downtime excluded). */
  activeMs: number;
  error: string | null;
  outputs: Record<string, unknown> | null;
}

export type StepStatus = "INTENT" | "DONE" | "FAILED";

export interface JournalEntry {
  id: number;
  deploymentId: string;
  nodeId: string;
  /** Unique per node: names one side effect (e.g. `create-task-set`). */
  step: string;
  operation: string;
  intent: unknown;
  result: unknown;
  status: StepStatus;
  /** How many times the call was issued (more than 1 only after a crash or an ambiguous error). */
  attempts: number;
  createdAt: number;
  finishedAt: number | null;
}

export interface EventRecord {
  id: number;
  deploymentId: string;
  at: number;
  type: string;
  nodeId: string | null;
  data: Record<string, unknown>;
}

/** The same graph is queued or running already (a finished one can be deployed again). */
export class DuplicateDigestError extends Error {
  constructor(readonly existingId: string) {
    super(`A deployment with the same graph digest is queued or running (${existingId}).`);
    this.name = "DuplicateDigestError";
  }
}

/** Why startDeployment did not start a deployment. */
export type StartRefusal =
  /** It is no longer QUEUED: cancelled, or started by another replica. */
  | { started: false; reason: "not-queued" }
  /** Another deployment of the same service is running (the database's one-per-service rule). */
  | { started: false; reason: "service-busy"; holder: string | null };

export interface NewDeployment {
  id: string;
  app: string;
  serviceKey: string;
  graph: ExecutionGraph;
  createdAt: number;
}

export type DeploymentPatch = Partial<Pick<DeploymentRecord, "state" | "currentNode" | "failedNode" | "cancelRequested" | "error" | "startedAt" | "finishedAt">>;
export type NodePatch = Partial<Pick<NodeRecord, "state" | "attempts" | "startedAt" | "finishedAt" | "activeMs" | "error" | "outputs">>;

export interface Store {
  /**
   * Creates the deployment and its PENDING nodes; throws DuplicateDigestError while a deployment
   * of the same digest is not finished. An earlier finished one makes this a redeploy of it.
   */
  createDeployment(d: NewDeployment): Promise<DeploymentRecord>;
  getDeployment(id: string): Promise<DeploymentRecord | null>;
  listDeployments(filter?: { states?: DeploymentState[]; limit?: number }): Promise<DeploymentRecord[]>;
  /** Without the graph (cheap listing). */
  countByState(): Promise<Record<string, number>>;
  updateDeployment(id: string, patch: DeploymentPatch, now: number): Promise<void>;
  /**
   * QUEUED → RUNNING in one atomic step, or a refusal: a database constraint (not a read before
   * the write) keeps one deployment RUNNING / ROLLING_BACK per service key, across processes.
   */
  startDeployment(id: string, start: { startedAt: number; currentNode: string | null }, now: number): Promise<{ started: true } | StartRefusal>;

  getNodes(deploymentId: string): Promise<NodeRecord[]>;
  getNode(deploymentId: string, nodeId: string): Promise<NodeRecord | null>;
  updateNode(deploymentId: string, nodeId: string, patch: NodePatch): Promise<void>;
  /** Adds a node row the compiler did not emit (the first-deployment quick sync). */
  ensureNode(deploymentId: string, nodeId: string, path: PathName, stage: string, ord: number): Promise<void>;

  getStep(deploymentId: string, nodeId: string, step: string): Promise<JournalEntry | null>;
  /** Records the intent (or bumps attempts of an existing INTENT row). */
  recordIntent(e: { deploymentId: string; nodeId: string; step: string; operation: string; intent: unknown; at: number }): Promise<JournalEntry>;
  recordResult(id: number, status: "DONE" | "FAILED", result: unknown, at: number): Promise<void>;
  /** Replaces the intent of a row: what an attempt in flight learned (a script's process group). */
  updateIntent(id: number, intent: unknown): Promise<void>;
  listJournal(deploymentId: string): Promise<JournalEntry[]>;

  /**
   * GitOps bookkeeping (runtime/gitops/progress.ts): one JSON text per key, such as the last
   * commit handled per repository and per app, so a restart neither loses nor repeats a commit.
   */
  getGitopsState(key: string): Promise<string | null>;
  putGitopsState(key: string, value: string, at: number): Promise<void>;
  /** Every key starting with `prefix`, in key order. */
  listGitopsState(prefix: string): Promise<Array<{ key: string; value: string }>>;

  appendEvent(e: Omit<EventRecord, "id">): Promise<EventRecord>;
  listEvents(deploymentId: string, afterId?: number): Promise<EventRecord[]>;

  /** Deployment leases (lease-sql.ts): who runs which deployment. */
  leases: LeaseStore;
  /**
   * From now on every write for the deployment carries this fencing token (null: none), and the
   * database refuses it once the token is no longer the deployment's current lease.
   */
  fence(deploymentId: string, token: number | null): void;

  /**
   * Calls `l` for each event that another client of the same database (another replica)
   * appends, once committed. Resolves when listening; returns the function that stops it.
   * SQLite has one process per store, so there is nothing to hear.
   */
  listenEvents(l: (deploymentId: string, eventId: number) => void): Promise<() => Promise<void>>;
  /** Throws when the database cannot be reached (GET /healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
