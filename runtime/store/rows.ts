// Rows to records, for both stores: the same column names and JSON-in-TEXT encoding on SQLite and
// PostgreSQL (PostgreSQL's BIGINTs are parsed to numbers by the driver; see postgres-store.ts).
import type { DeploymentPatch, DeploymentRecord, EventRecord, JournalEntry, NodePatch, NodeRecord } from "./store.ts";

export const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
export const parse = (s: unknown) => (typeof s === "string" ? JSON.parse(s) : null);

export function toDeployment(r: any): DeploymentRecord {
  return {
    id: r.id,
    app: r.app,
    serviceKey: r.service_key,
    digest: r.digest,
    redeployOf: r.redeploy_of ?? null,
    graph: parse(r.graph),
    state: r.state,
    currentNode: r.current_node ?? null,
    failedNode: r.failed_node ?? null,
    cancelRequested: !!r.cancel_requested,
    error: r.error ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: r.started_at ?? null,
    finishedAt: r.finished_at ?? null,
  };
}

export function toNode(r: any): NodeRecord {
  return {
    deploymentId: r.deployment_id,
    nodeId: r.node_id,
    path: r.path,
    stage: r.stage,
    state: r.state,
    attempts: r.attempts,
    startedAt: r.started_at ?? null,
    finishedAt: r.finished_at ?? null,
    activeMs: r.active_ms ?? 0,
    error: r.error ?? null,
    outputs: parse(r.outputs),
  };
}

export function toJournal(r: any): JournalEntry {
  return {
    id: r.id,
    deploymentId: r.deployment_id,
    nodeId: r.node_id,
    step: r.step,
    operation: r.operation,
    intent: parse(r.intent),
    result: parse(r.result),
    status: r.status,
    attempts: r.attempts,
    createdAt: r.created_at,
    finishedAt: r.finished_at ?? null,
  };
}

export const DEPLOYMENT_COLUMNS: Record<keyof DeploymentPatch, string> = {
  state: "state",
  currentNode: "current_node",
  failedNode: "failed_node",
  cancelRequested: "cancel_requested",
  error: "error",
  startedAt: "started_at",
  finishedAt: "finished_at",
};
export const NODE_COLUMNS: Record<keyof NodePatch, string> = {
  state: "state",
  attempts: "attempts",
  startedAt: "started_at",
  finishedAt: "finished_at",
  activeMs: "active_ms",
  error: "error",
  outputs: "outputs",
};


export function toEvent(r: any): EventRecord {
  return { id: r.id, deploymentId: r.deployment_id, at: r.at, type: r.type, nodeId: r.node_id ?? null, data: parse(r.data) ?? {} };
}
