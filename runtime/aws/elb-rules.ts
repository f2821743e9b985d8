// Finding and rewriting the listener rules that forward to the primary/canary target groups.
// ModifyRule / ModifyListener replace the whole action list, so every other action (auth,
// redirects, other target groups, stickiness) is copied over unchanged.
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  type Action,
  type Rule,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { AwsApi } from "../aws/call.ts";

export interface ForwardingRule {
  listenerArn: string;
  ruleArn: string;
  isDefault: boolean;
  actions: Action[];
}

function forwardTargets(a: Action): string[] {
  if (a.Type !== "forward") return [];
  const tgs = (a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn!).filter(Boolean);
  if (a.TargetGroupArn && !tgs.includes(a.TargetGroupArn)) tgs.push(a.TargetGroupArn);
  return tgs;
}

export function forwardsTo(actions: Action[], arns: string[]): boolean {
  return actions.some((a) => forwardTargets(a).some((t) => arns.includes(t)));
}

/** The listeners of every load balancer the target groups sit behind (the topology, which
 *  changes far less often than the rules on it: callers may keep it for a deployment). */
export async function listenersOf(elb: AwsApi, targetGroupArns: string[], signal?: AbortSignal): Promise<string[]> {
  const tgs = await elb.call(new DescribeTargetGroupsCommand({ TargetGroupArns: targetGroupArns }), { signal });
  const lbs = new Set<string>();
  for (const tg of tgs.TargetGroups ?? []) for (const lb of tg.LoadBalancerArns ?? []) lbs.add(lb);
  const listeners: string[] = [];
  for (const lb of [...lbs].sort()) {
    let marker: string | undefined;
    do {
      const r = await elb.call(new DescribeListenersCommand({ LoadBalancerArn: lb, Marker: marker }), { signal });
      for (const l of r.Listeners ?? []) if (l.ListenerArn) listeners.push(l.ListenerArn);
      marker = r.NextMarker;
    } while (marker);
  }
  return listeners;
}

/** Every rule of the listeners (default rules included) forwarding to one of the target groups, as it is now. */
export async function readForwardingRules(elb: AwsApi, listeners: string[], targetGroupArns: string[], signal?: AbortSignal): Promise<ForwardingRule[]> {
  const out: ForwardingRule[] = [];
  for (const listenerArn of listeners) {
    let marker: string | undefined;
    do {
      const r = await elb.call(new DescribeRulesCommand({ ListenerArn: listenerArn, Marker: marker }), { signal });
      for (const rule of (r.Rules ?? []) as Rule[]) {
        const actions = rule.Actions ?? [];
        if (rule.RuleArn && forwardsTo(actions, targetGroupArns)) out.push({ listenerArn, ruleArn: rule.RuleArn, isDefault: !!rule.IsDefault, actions });
      }
      marker = r.NextMarker;
    } while (marker);
  }
  return out.sort((a, b) => a.ruleArn.localeCompare(b.ruleArn));
}


/** The same action list with every forward to primary/canary turned into primary:wp, canary:wc. */
export function reweight(actions: Action[], primaryArn: string, canaryArn: string, wp: number, wc: number): Action[] {
  return actions.map((a) => {
    const targets = forwardTargets(a);
    if (!targets.includes(primaryArn) && !targets.includes(canaryArn)) return a;
    const others = (a.ForwardConfig?.TargetGroups ?? []).filter((t) => t.TargetGroupArn !== primaryArn && t.TargetGroupArn !== canaryArn);
    const { TargetGroupArn: _single, ...rest } = a;
    return {
      ...rest,
      Type: "forward",
      ForwardConfig: {
        ...(a.ForwardConfig ?? {}),
        TargetGroups: [{ TargetGroupArn: primaryArn, Weight: wp }, { TargetGroupArn: canaryArn, Weight: wc }, ...others],
      },
    } as Action;
  });
}

/** Traffic share (percent) of primary and canary in a rule's forward action, or null. */
export function weightsOf(actions: Action[], primaryArn: string, canaryArn: string): { primary: number; canary: number } | null {
  for (const a of actions) {
    const targets = forwardTargets(a);
    if (!targets.includes(primaryArn) && !targets.includes(canaryArn)) continue;
    const list = a.ForwardConfig?.TargetGroups?.length ? a.ForwardConfig.TargetGroups : [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }];
    const w = (arn: string) => list.filter((t) => t.TargetGroupArn === arn).reduce((s, t) => s + (t.Weight ?? 1), 0);
    const total = list.reduce((s, t) => s + (t.Weight ?? 1), 0);
    if (total === 0) return { primary: 0, canary: 0 };
    return { primary: Math.round((w(primaryArn) / total) * 100), canary: Math.round((w(canaryArn) / total) * 100) };
  }
  return null;
}
