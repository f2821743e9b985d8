// Notification events (PipeCD's names without the EVENT_ prefix) and how executor events map
// to them. Everything here is pure.
import type { EventRecord } from "../store/store.ts";
import type { ExecutionGraph } from "../../compiler/validate/generated/types/graph.ts";

export type NotificationType =
  | "DEPLOYMENT_TRIGGERED"
  | "DEPLOYMENT_SUCCEEDED"
  | "DEPLOYMENT_FAILED"
  | "DEPLOYMENT_CANCELLED"
  | "DEPLOYMENT_ROLLING_BACK"
  | "DEPLOYMENT_WAIT_APPROVAL"
  | "DEPLOYMENT_APPROVED"
  | "STAGE_FAILED"
  | "DEPLOYMENT_TRIGGER_FAILED"
  | "APPLICATION_OUT_OF_SYNC"
  | "APPLICATION_SYNCED";

export const NOTIFICATION_TYPES: readonly NotificationType[] = [
  "DEPLOYMENT_TRIGGERED",
  "DEPLOYMENT_SUCCEEDED",
  "DEPLOYMENT_FAILED",
  "DEPLOYMENT_CANCELLED",
  "DEPLOYMENT_ROLLING_BACK",
  "DEPLOYMENT_WAIT_APPROVAL",
  "DEPLOYMENT_APPROVED",
  "STAGE_FAILED",
  "DEPLOYMENT_TRIGGER_FAILED",
  "APPLICATION_OUT_OF_SYNC",
  "APPLICATION_SYNCED",
];

/** PipeCD's event groups: drift events are APPLICATION_SYNC, the rest DEPLOYMENT. */
export const groupOf = (t: NotificationType): string => (t.startsWith("APPLICATION_") ? "APPLICATION_SYNC" : "DEPLOYMENT");

export interface NotificationEvent {
  type: NotificationType;
  /** "" for events about an app rather than a deployment (GitOps: a commit that does not compile, drift). */
  deploymentId: string;
  app: { name: string; labels: Record<string, string> };
  /** Real epoch ms. */
  at: number;
  nodeId?: string | null;
  stage?: string;
  state?: string;
  error?: string;
  /** One line for people. */
  message: string;
  data?: Record<string, unknown>;
}

export type AppInfo = { name: string; labels: Record<string, string> };

/** The Git commit a GitOps deployment was compiled from (graph.source.commit). */
export type GraphCommit = NonNullable<NonNullable<ExecutionGraph["source"]>["commit"]>;

/** "abc1234 \"subject\" by Name <email>": how people see a commit in one line. */
export const commitLine = (c: Pick<GraphCommit, "hash" | "subject" | "author">): string => `${c.hash.slice(0, 7)} "${c.subject}" by ${c.author}`;

/** The notification with the commit its deployment came from (data.commit, and the trigger's message). */
export function withCommit(n: NotificationEvent, c: GraphCommit): NotificationEvent {
  const message = n.type === "DEPLOYMENT_TRIGGERED" ? `${n.message} by commit ${commitLine(c)}` : n.message;
  return { ...n, message, data: { ...(n.data ?? {}), commit: { repoId: c.repoId, hash: c.hash, subject: c.subject, author: c.author } } };
}

/** The notification an executor event stands for, or null. */
export function fromExecutorEvent(e: EventRecord, app: AppInfo): NotificationEvent | null {
  const base = { deploymentId: e.deploymentId, app, at: e.at, nodeId: e.nodeId };
  const d = e.data as Record<string, any>;
  const who = `${app.name} (deployment ${e.deploymentId})`;
  switch (e.type) {
    case "deployment.state": {
      const state = String(d.state);
      const err = d.error ? `: ${d.error}` : "";
      switch (state) {
        case "QUEUED":
          return { ...base, type: "DEPLOYMENT_TRIGGERED", state, message: `${who} was triggered` };
        case "SUCCEEDED":
          return { ...base, type: "DEPLOYMENT_SUCCEEDED", state, message: `${who} succeeded` };
        case "ROLLING_BACK":
          return { ...base, type: "DEPLOYMENT_ROLLING_BACK", state, ...(d.error ? { error: d.error } : {}), message: `${who} is rolling back${err}` };
        case "FAILED":
        case "ROLLED_BACK":
          return { ...base, type: "DEPLOYMENT_FAILED", state, ...(d.error ? { error: d.error } : {}), message: `${who} ${state === "ROLLED_BACK" ? "failed and was rolled back" : "failed"}${err}` };
        case "CANCELLED":
          return { ...base, type: "DEPLOYMENT_CANCELLED", state, message: `${who} was cancelled` };
        default:
          return null;
      }
    }
    case "approval.waiting":
      return {
        ...base,
        type: "DEPLOYMENT_WAIT_APPROVAL",
        message: `${who} waits for approval at ${e.nodeId}${Array.isArray(d.approvers) && d.approvers.length ? ` (approvers: ${d.approvers.join(", ")}; ${d.minApproverNum} needed)` : ""}`,
        data: { approvers: d.approvers, minApproverNum: d.minApproverNum },
      };
    case "approval.granted":
      return { ...base, type: "DEPLOYMENT_APPROVED", message: `${who} approved at ${e.nodeId} by ${d.approver}`, data: { approver: d.approver } };
    case "node.failed":
      return { ...base, type: "STAGE_FAILED", stage: d.stage, error: d.error, message: `${who}: stage ${e.nodeId} (${d.stage}) failed: ${d.error}` };
    default:
      return null;
  }
}
