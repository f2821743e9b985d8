// Notification events (PipeCD's names without the EVENT_ prefix) and how executor events map
// to them. Everything here is pure.
import type { EventRecord } from "../store/store.ts";

export type NotificationType =
  | "DEPLOYMENT_TRIGGERED"
  | "DEPLOYMENT_SUCCEEDED"
  | "DEPLOYMENT_FAILED"
  | "DEPLOYMENT_CANCELLED"
  | "DEPLOYMENT_ROLLING_BACK"
  | "DEPLOYMENT_WAIT_APPROVAL"
  | "DEPLOYMENT_APPROVED"
  | "STAGE_FAILED";

export const NOTIFICATION_TYPES: readonly NotificationType[] = [
  "DEPLOYMENT_TRIGGERED",
  "DEPLOYMENT_SUCCEEDED",
  "DEPLOYMENT_FAILED",
  "DEPLOYMENT_CANCELLED",
  "DEPLOYMENT_ROLLING_BACK",
  "DEPLOYMENT_WAIT_APPROVAL",
  "DEPLOYMENT_APPROVED",
  "STAGE_FAILED",
];

/** PipeCD's event groups; every event Kanaria sends belongs to DEPLOYMENT. */
export const groupOf = (_t: NotificationType): string => "DEPLOYMENT";

export interface NotificationEvent {
  type: NotificationType;
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
