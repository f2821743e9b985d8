// Listener/rule actions: AWS's validation of weighted forward actions and the normalized shape
// DescribeRules/DescribeListeners return. Pure functions of the action list and the state.

import { elbErrors } from "../errors.ts";
import type { ElbAction, SimState, WeightedTarget } from "../state.ts";
import { list } from "./query.ts";

const ACTION_TYPES = ["forward", "redirect", "fixed-response", "authenticate-oidc", "authenticate-cognito", "jwt-validation"];
const TERMINAL = ["forward", "redirect", "fixed-response"];
export const MAX_TARGET_GROUPS_PER_ACTION = 5;
export const MAX_WEIGHT = 999;

/** Target groups (with weights) a stored action forwards to. */
export function forwardTargets(action: ElbAction): WeightedTarget[] {
  if (action.Type !== "forward") return [];
  const tgs = action.ForwardConfig?.TargetGroups;
  if (Array.isArray(tgs)) return tgs.map((t: any) => ({ targetGroupArn: t.TargetGroupArn, weight: Number(t.Weight ?? 1) }));
  return action.TargetGroupArn ? [{ targetGroupArn: action.TargetGroupArn, weight: 1 }] : [];
}

function parseInteger(v: unknown, what: string, min: number, max: number): number {
  const n = typeof v === "number" ? v : Number(v);
  if (v === "" || !Number.isInteger(n) || n < min || n > max) {
    throw elbErrors.validation(`${what} must be an integer between ${min} and ${max}, got '${String(v)}'`);
  }
  return n;
}

/**
 * Validate an action list as ELBv2 does and return it normalized. `loadBalancerArn` is the load
 * balancer the listener belongs to; `owners(tgArn)` gives the load balancers each target group
 * is already associated with.
 */
export function validateActions(
  s: SimState,
  raw: unknown,
  loadBalancerArn: string,
  owners: (tgArn: string) => string[],
): ElbAction[] {
  const actions = list(raw as any);
  if (actions.length === 0) throw elbErrors.validation("At least one action must be specified");
  const orders = new Set<number>();
  const out: ElbAction[] = [];
  actions.forEach((a: any, i: number) => {
    if (typeof a !== "object" || a === null) throw elbErrors.validation("Invalid action");
    const type = a.Type;
    if (!ACTION_TYPES.includes(type)) {
      throw elbErrors.validation(`1 validation error detected: Value '${type}' at 'actions.${i + 1}.member.type' failed to satisfy constraint: Member must satisfy enum value set: [${ACTION_TYPES.join(", ")}]`);
    }
    const order = a.Order !== undefined ? parseInteger(a.Order, "Order", 1, 50000) : i + 1;
    if (orders.has(order)) throw elbErrors.validation(`Action order '${order}' is specified more than once`);
    orders.add(order);
    const normalized: ElbAction = { ...a, Type: type, Order: order };
    if (type === "forward") Object.assign(normalized, normalizeForward(s, a, loadBalancerArn, owners));
    out.push(normalized);
  });
  out.sort((x, y) => x.Order - y.Order);
  const terminals = out.filter((a) => TERMINAL.includes(a.Type));
  if (terminals.length !== 1 || !TERMINAL.includes(out[out.length - 1].Type)) {
    throw elbErrors.invalidLoadBalancerAction("An action list must contain exactly one forward, redirect or fixed-response action, and it must be the last action");
  }
  return out;
}

function normalizeForward(s: SimState, a: any, loadBalancerArn: string, owners: (tgArn: string) => string[]): ElbAction {
  const configured = a.ForwardConfig?.TargetGroups;
  const fromConfig = configured !== undefined;
  const tuples: any[] = fromConfig ? list(configured) : a.TargetGroupArn ? [{ TargetGroupArn: a.TargetGroupArn }] : [];
  if (tuples.length === 0) throw elbErrors.validation("A target group ARN must be specified for a forward action");
  if (fromConfig && a.TargetGroupArn && (tuples.length !== 1 || tuples[0].TargetGroupArn !== a.TargetGroupArn)) {
    throw elbErrors.validation("You cannot specify both a target group ARN and a forward config with a different or more than one target group");
  }
  if (tuples.length > MAX_TARGET_GROUPS_PER_ACTION) {
    throw elbErrors.tooManyTargetGroups(`You cannot specify more than ${MAX_TARGET_GROUPS_PER_ACTION} target groups in a forward action`);
  }
  const seen = new Set<string>();
  const targetGroups = tuples.map((t) => {
    const arn = t?.TargetGroupArn;
    if (typeof arn !== "string" || arn === "") throw elbErrors.validation("A target group ARN must be specified");
    if (seen.has(arn)) throw elbErrors.validation(`Target group '${arn}' is specified more than once in the forward action`);
    seen.add(arn);
    const weight = t.Weight === undefined ? 1 : parseInteger(t.Weight, "Target group weight", 0, MAX_WEIGHT);
    return { TargetGroupArn: arn, Weight: weight };
  });
  for (const tg of targetGroups) {
    if (!s.targetGroups.has(tg.TargetGroupArn)) throw elbErrors.targetGroupNotFound(`Target groups '${tg.TargetGroupArn}' not found`);
    const other = owners(tg.TargetGroupArn).filter((lb) => lb !== loadBalancerArn);
    if (other.length > 0) {
      throw elbErrors.targetGroupAssociationLimit(
        `The following target groups cannot be associated with more than one load balancer: ${tg.TargetGroupArn}`,
      );
    }
  }
  const lb = s.loadBalancers.get(loadBalancerArn);
  if (lb?.type === "network" && targetGroups.length > 1) {
    throw elbErrors.validation("Network Load Balancers support only one target group per forward action");
  }
  const sticky = a.ForwardConfig?.TargetGroupStickinessConfig;
  const enabled = sticky?.Enabled === "true" || sticky?.Enabled === true;
  const stickiness: Record<string, unknown> = { Enabled: enabled };
  if (enabled) stickiness.DurationSeconds = parseInteger(sticky.DurationSeconds ?? 3600, "DurationSeconds", 1, 604800);
  const forward: ElbAction = { ForwardConfig: { TargetGroups: targetGroups, TargetGroupStickinessConfig: stickiness } };
  forward.TargetGroupArn = targetGroups.length === 1 ? targetGroups[0].TargetGroupArn : undefined;
  return forward;
}
