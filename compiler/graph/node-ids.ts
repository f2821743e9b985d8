// Ids the compiler gives graph nodes that are not pipeline stages. A stage id must not take one
// of them: the runtime keys the journal, status and events by node id (rule reserved-stage-id).

/** The deployment-level node: side effects that belong to no stage (task definition, service). */
export const DEPLOYMENT_NODE = "_deployment";

/** The rollback path's fixed nodes, in the order they run. */
export const ROLLBACK_NODE_IDS = { traffic: "rollback-traffic", primary: "rollback-primary", clean: "rollback-clean" } as const;

/** The rollback node that runs a SCRIPT_RUN stage's `onRollback`. */
export function rollbackScriptNodeId(stageId: string): string {
  return `rollback-${stageId}`;
}
