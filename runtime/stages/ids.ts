// Deterministic identifiers for side effects, derived from deployment id + node id + step, so a
// re-issued call after a crash carries the same clientToken / externalId / tags.
import { createHash } from "node:crypto";

/** ECS clientToken: up to 36 ASCII characters. */
export function clientToken(deploymentId: string, nodeId: string, step: string): string {
  return createHash("sha256").update(`${deploymentId}\0${nodeId}\0${step}`).digest("hex").slice(0, 32);
}

/** externalId of a task set created by a node; also how Kanaria finds its task sets again. */
export function externalId(deploymentId: string, nodeId: string, role: "primary" | "canary"): string {
  return `kanaria/${deploymentId}/${nodeId}/${role}`;
}

export function isOwnedBy(externalIdValue: string | null | undefined, deploymentId: string): boolean {
  return !!externalIdValue && externalIdValue.startsWith(`kanaria/${deploymentId}/`);
}

export function roleOf(externalIdValue: string | null | undefined): "primary" | "canary" | null {
  const r = externalIdValue?.split("/")[3];
  return r === "primary" || r === "canary" ? r : null;
}

export function kanariaTags(deploymentId: string, nodeId: string, role?: string): Array<{ key: string; value: string }> {
  return [
    { key: "kanaria:deployment", value: deploymentId },
    { key: "kanaria:node", value: nodeId },
    ...(role ? [{ key: "kanaria:role", value: role }] : []),
  ];
}
