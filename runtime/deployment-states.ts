// The deployment states in one list (the type and FINAL_STATES are the store's): the status page's
// filter, the metrics, the terminal progress and the page's script all read them from here.
import { FINAL_STATES, type DeploymentState } from "./store/store.ts";

/** Every state, in lifecycle order; a Record so that a state added to the type must be added here. */
const ORDER: Record<DeploymentState, number> = { QUEUED: 0, RUNNING: 1, ROLLING_BACK: 2, SUCCEEDED: 3, FAILED: 4, ROLLED_BACK: 5, CANCELLED: 6 };

export const DEPLOYMENT_STATES: readonly DeploymentState[] = (Object.keys(ORDER) as DeploymentState[]).sort((a, b) => ORDER[a] - ORDER[b]);

export { FINAL_STATES };

/** Queued or under way: the states a service is busy in. */
export const IN_FLIGHT_STATES: readonly DeploymentState[] = DEPLOYMENT_STATES.filter((s) => !FINAL_STATES.has(s));

export const isDeploymentState = (s: string): s is DeploymentState => Object.hasOwn(ORDER, s);

/** A state that ends a deployment, or rolls it back: what the terminal and the page show as an outcome. */
export const isOutcome = (s: string): boolean => FINAL_STATES.has(s as DeploymentState) || s === "ROLLING_BACK";

/** An outcome other than success (shown as an error). */
export const isBadOutcome = (s: string): boolean => isOutcome(s) && s !== "SUCCEEDED";
