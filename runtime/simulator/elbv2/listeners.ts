// ELBv2 listeners and rules: CreateListener, DescribeListeners, ModifyListener, CreateRule,
// DescribeRules, ModifyRule. A listener's default actions live in its default rule, and every
// rule keeps the history of its action lists (ModifyListener/ModifyRule replace the whole list),
// which is what the traffic model replays.

import { elbErrors } from "../errors.ts";
import { type ElbAction, elbArn, type Listener, newHex, type Rule, type SimState } from "../state.ts";
import { validateActions } from "./actions.ts";
import { resolveLoadBalancer } from "./load-balancers.ts";
import { list, type QueryObject } from "./query.ts";
import { loadBalancerArnsOf } from "./target-groups.ts";

export const currentActions = (rule: Rule): ElbAction[] => rule.actions[rule.actions.length - 1]?.actions ?? [];

export function resolveListener(s: SimState, arn: unknown): Listener {
  const l = typeof arn === "string" ? s.listeners.get(arn) : undefined;
  if (!l) throw elbErrors.listenerNotFound(`Listener '${String(arn)}' not found`);
  return l;
}

function resolveRule(s: SimState, arn: unknown): Rule {
  const r = typeof arn === "string" ? s.rules.get(arn) : undefined;
  if (!r) throw elbErrors.ruleNotFound(`One or more rules not found`);
  return r;
}

const owners = (s: SimState) => (tgArn: string) => loadBalancerArnsOf(s, tgArn);

function checkPort(v: unknown): number {
  const port = Number(v);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw elbErrors.validation("Port must be between 1 and 65535");
  return port;
}

export function createListener(s: SimState, p: QueryObject) {
  const lb = resolveLoadBalancer(s, p.LoadBalancerArn);
  const port = checkPort(p.Port);
  const protocol = (p.Protocol as string) ?? (lb.type === "application" ? "HTTP" : "TCP");
  if (protocol === "HTTPS" && list(p.Certificates).length === 0) throw elbErrors.validation("A certificate must be specified for HTTPS listeners");
  for (const l of s.listeners.values()) if (l.loadBalancerArn === lb.arn && l.port === port) throw elbErrors.duplicateListener();
  const actions = validateActions(s, p.DefaultActions, lb.arn, owners(s));
  const id = newHex(s, 16);
  const now = s.clock.now();
  const arn = elbArn(s, `listener/${lb.arn.split(":loadbalancer/")[1]}/${id}`);
  const defaultRule: Rule = {
    arn: elbArn(s, `listener-rule/${lb.arn.split(":loadbalancer/")[1]}/${id}/${newHex(s, 16)}`),
    listenerArn: arn,
    priority: "default",
    isDefault: true,
    conditions: [],
    actions: [{ at: now, actions }],
    createdAt: now,
    tags: [],
  };
  const { LoadBalancerArn: _l, Port: _p, Protocol: _pr, DefaultActions: _d, Tags: _t, ...props } = p;
  const listener: Listener = { arn, loadBalancerArn: lb.arn, port, protocol, props, defaultRuleArn: defaultRule.arn };
  s.listeners.set(arn, listener);
  s.rules.set(defaultRule.arn, defaultRule);
  return { Listeners: [listenerView(s, listener)] };
}

export function listenerView(s: SimState, l: Listener) {
  const rule = s.rules.get(l.defaultRuleArn)!;
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
    Certificates: l.props.Certificates,
    SslPolicy: l.props.SslPolicy,
    DefaultActions: currentActions(rule),
    AlpnPolicy: l.props.AlpnPolicy,
  };
}

export function describeListeners(s: SimState, p: QueryObject) {
  const arns = list(p.ListenerArns);
  let listeners: Listener[];
  if (arns.length > 0) listeners = arns.map((a) => resolveListener(s, a));
  else if (p.LoadBalancerArn !== undefined) {
    const lb = resolveLoadBalancer(s, p.LoadBalancerArn);
    listeners = [...s.listeners.values()].filter((l) => l.loadBalancerArn === lb.arn);
  } else throw elbErrors.validation("You must specify either listener ARNs or a load balancer ARN");
  return { Listeners: listeners.map((l) => listenerView(s, l)) };
}

export function modifyListener(s: SimState, p: QueryObject) {
  const l = resolveListener(s, p.ListenerArn);
  if (p.Port !== undefined) {
    const port = checkPort(p.Port);
    for (const other of s.listeners.values()) {
      if (other !== l && other.loadBalancerArn === l.loadBalancerArn && other.port === port) throw elbErrors.duplicateListener();
    }
    l.port = port;
  }
  if (p.Protocol !== undefined) l.protocol = p.Protocol as string;
  for (const key of ["SslPolicy", "Certificates", "AlpnPolicy"]) if (p[key] !== undefined) l.props[key] = p[key];
  if (p.DefaultActions !== undefined) {
    const actions = validateActions(s, p.DefaultActions, l.loadBalancerArn, owners(s));
    s.rules.get(l.defaultRuleArn)!.actions.push({ at: s.clock.now(), actions });
  }
  return { Listeners: [listenerView(s, l)] };
}

function checkConditions(raw: unknown): Array<Record<string, any>> {
  const conditions = list(raw as any);
  if (conditions.length === 0) throw elbErrors.validation("A rule must have at least one condition");
  let values = 0;
  for (const c of conditions) {
    const field = c?.Field;
    const valid = ["http-header", "http-request-method", "host-header", "path-pattern", "query-string", "source-ip"];
    if (typeof field !== "string" || !valid.includes(field)) throw elbErrors.validation(`Condition field '${String(field)}' is not valid`);
    const cfgKey = Object.keys(c).find((k) => k.endsWith("Config"));
    values += cfgKey ? list(c[cfgKey].Values).length || 1 : list(c.Values).length;
  }
  if (values > 5) throw elbErrors.validation("A rule can have at most 5 condition values");
  return conditions;
}

export function createRule(s: SimState, p: QueryObject) {
  const l = resolveListener(s, p.ListenerArn);
  const priority = Number(p.Priority);
  if (!Number.isInteger(priority) || priority < 1 || priority > 50000) throw elbErrors.validation("Priority must be between 1 and 50000");
  for (const r of s.rules.values()) {
    if (r.listenerArn === l.arn && r.priority === String(priority)) throw elbErrors.priorityInUse(`Priority '${priority}' is currently in use`);
  }
  const conditions = checkConditions(p.Conditions);
  const actions = validateActions(s, p.Actions, l.loadBalancerArn, owners(s));
  const now = s.clock.now();
  const rule: Rule = {
    arn: elbArn(s, `listener-rule/${l.arn.split(":listener/")[1]}/${newHex(s, 16)}`),
    listenerArn: l.arn,
    priority: String(priority),
    isDefault: false,
    conditions,
    actions: [{ at: now, actions }],
    createdAt: now,
    tags: list(p.Tags).map((t: any) => ({ key: t.Key, value: t.Value })),
  };
  s.rules.set(rule.arn, rule);
  return { Rules: [ruleView(rule)] };
}

export function ruleView(r: Rule) {
  return { RuleArn: r.arn, Priority: r.priority, Conditions: r.conditions, Actions: currentActions(r), IsDefault: r.isDefault };
}

/** Rules of a listener by priority, default last (as ELBv2 lists them). */
export function listenerRules(s: SimState, listenerArn: string): Rule[] {
  return [...s.rules.values()]
    .filter((r) => r.listenerArn === listenerArn)
    .sort((a, b) => (a.isDefault ? 1 : 0) - (b.isDefault ? 1 : 0) || Number(a.priority) - Number(b.priority));
}

export function describeRules(s: SimState, p: QueryObject) {
  const arns = list(p.RuleArns);
  let rules: Rule[];
  if (arns.length > 0) rules = arns.map((a) => resolveRule(s, a));
  else if (p.ListenerArn !== undefined) rules = listenerRules(s, resolveListener(s, p.ListenerArn).arn);
  else throw elbErrors.validation("You must specify either listener ARN or rule ARNs");
  const size = p.PageSize !== undefined ? Number(p.PageSize) : 400;
  if (!Number.isInteger(size) || size < 1 || size > 400) throw elbErrors.validation("PageSize must be between 1 and 400");
  const start = p.Marker !== undefined ? Number(atob(String(p.Marker))) : 0;
  const page = rules.slice(start, start + size);
  return { Rules: page.map(ruleView), NextMarker: start + size < rules.length ? btoa(String(start + size)) : undefined };
}

export function modifyRule(s: SimState, p: QueryObject) {
  const rule = resolveRule(s, p.RuleArn);
  const l = resolveListener(s, rule.listenerArn);
  // AWS: the default rule belongs to the listener; change its actions with ModifyListener.
  if (rule.isDefault) throw elbErrors.operationNotPermitted(`Default rule '${rule.arn}' cannot be modified`);
  const conditions = p.Conditions !== undefined ? checkConditions(p.Conditions) : undefined;
  const actions = p.Actions !== undefined ? validateActions(s, p.Actions, l.loadBalancerArn, owners(s)) : undefined;
  if (conditions) rule.conditions = conditions;
  if (actions) rule.actions.push({ at: s.clock.now(), actions });
  return { Rules: [ruleView(rule)] };
}
