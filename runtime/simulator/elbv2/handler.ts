// ELBv2 over the AWS query protocol: form-encoded `Action=...&Version=2015-12-01` in, XML out.

import { elbErrors, SimError } from "../errors.ts";
import { reconcile } from "../ecs/task-sets.ts";
import type { SimState } from "../state.ts";
import { createListener, createRule, describeListeners, describeRules, modifyListener, modifyRule } from "./listeners.ts";
import { createLoadBalancer, describeLoadBalancers } from "./load-balancers.ts";
import { parseQuery, type QueryObject } from "./query.ts";
import {
  createTargetGroup, deregisterTargets, describeTargetGroups, describeTargetHealth, registerTargets,
} from "./target-groups.ts";
import { errorXml, resultXml } from "./xml.ts";

export const ELB_VERSION = "2015-12-01";

type Operation = (s: SimState, params: QueryObject) => unknown;

export const elbOperations: Record<string, Operation> = {
  CreateLoadBalancer: createLoadBalancer,
  DescribeLoadBalancers: describeLoadBalancers,
  CreateTargetGroup: createTargetGroup,
  DescribeTargetGroups: describeTargetGroups,
  CreateListener: createListener,
  DescribeListeners: describeListeners,
  ModifyListener: modifyListener,
  CreateRule: createRule,
  DescribeRules: describeRules,
  ModifyRule: modifyRule,
  DescribeTargetHealth: describeTargetHealth,
  RegisterTargets: registerTargets,
  DeregisterTargets: deregisterTargets,
};

/** Run one ELBv2 operation against the state. */
export function callElb(s: SimState, action: string, params: QueryObject): unknown {
  const op = elbOperations[action];
  if (!op) throw elbErrors.invalidAction(action);
  reconcile(s);
  const result = op(s, params);
  reconcile(s);
  return result;
}

const xmlHeaders = (requestId: string) => ({ "content-type": "text/xml", "x-amzn-requestid": requestId });

export function elbErrorResponse(err: SimError, requestId: string): Response {
  return new Response(errorXml(err.code, err.message, err.status, requestId), { status: err.status, headers: xmlHeaders(requestId) });
}

/** Parse the body once (the server also needs the action name for fault rules). */
export function parseElbRequest(body: string) {
  return parseQuery(body);
}

export function handleElb(s: SimState, parsed: ReturnType<typeof parseQuery>, requestId: string): Response {
  if (parsed.version !== ELB_VERSION) {
    return elbErrorResponse(new SimError("InvalidAction", `Version '${parsed.version}' is not supported; use ${ELB_VERSION}`), requestId);
  }
  try {
    const result = callElb(s, parsed.action, parsed.params);
    return new Response(resultXml(parsed.action, result, requestId), { status: 200, headers: xmlHeaders(requestId) });
  } catch (e) {
    if (e instanceof SimError) return elbErrorResponse(e, requestId);
    return elbErrorResponse(new SimError("InternalFailure", `Simulator bug: ${(e as Error)?.stack ?? e}`, 500), requestId);
  }
}
