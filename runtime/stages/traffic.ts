// Sets the primary/canary split on every listener rule (and default action) that forwards to
// either target group, and checks that the weights took: from the ModifyRule / ModifyListener
// answer (the rule as ELB stored it), or by reading the rule again when that answer is not at
// hand (a step done before a restart). The listener topology is looked up once per deployment;
// the rules themselves are read fresh every time, since ModifyRule replaces the whole action
// list and everything else on it must be kept as it is.
import { ModifyListenerCommand, ModifyRuleCommand, type Action } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { StageContext } from "../executor/context.ts";
import { StageError } from "../executor/interrupt.ts";
import { listenersOf, readForwardingRules, reweight, weightsOf, type ForwardingRule } from "../aws/elb-rules.ts";

const MAX_CACHED_TOPOLOGIES = 2000;

async function forwardingRules(ctx: StageContext, arns: string[]): Promise<ForwardingRule[]> {
  const { elb, listeners: cache } = ctx.aws;
  const key = `${ctx.deploymentId}|${arns.join("|")}`;
  const cached = cache.get(key);
  if (cached) {
    const rules = await readForwardingRules(elb, cached, arns, ctx.signal);
    if (rules.length) return rules;
  }
  const listeners = await listenersOf(elb, arns, ctx.signal);
  cache.delete(key);
  cache.set(key, listeners);
  if (cache.size > MAX_CACHED_TOPOLOGIES) cache.delete(cache.keys().next().value!);
  return readForwardingRules(elb, listeners, arns, ctx.signal);
}

export async function routeTraffic(ctx: StageContext, primary: number, canary: number): Promise<{ primary: number; canary: number; rules: number }> {
  const { primary: ptg, canary: ctg } = ctx.graph.target.targetGroups;
  if (!ptg || !ctg) throw new StageError("Traffic routing needs both a primary and a canary target group (spec.input.targetGroups).");
  const arns = [ptg.targetGroupArn, ctg.targetGroupArn];
  const rules = await forwardingRules(ctx, arns);
  if (rules.length === 0) {
    throw new StageError(
      `No listener rule forwards to ${ptg.targetGroupArn} or ${ctg.targetGroupArn}. Attach the primary target group to a listener (default action or rule) before deploying.`,
    );
  }
  const after = new Map<string, Action[]>();
  const unconfirmed: ForwardingRule[] = [];
  for (const r of rules) {
    const current = weightsOf(r.actions, ptg.targetGroupArn, ctg.targetGroupArn);
    const actions = reweight(r.actions, ptg.targetGroupArn, ctg.targetGroupArn, primary, canary);
    const already = current?.primary === primary && current?.canary === canary && r.actions.every((a) => a.Type !== "forward" || a.ForwardConfig?.TargetGroups?.length);
    const step = `route:${r.ruleArn}`;
    if (already && !(await ctx.journal.result(ctx.node.id, step))) {
      // Nothing to change on this rule (e.g. resumed after the call went through): just read.
      await ctx.journal.settle(ctx.node.id, step, { rule: r.ruleArn, primary, canary });
      after.set(r.ruleArn, r.actions);
      continue;
    }
    let answer: Action[] | undefined;
    await ctx.step(step, r.isDefault ? "ModifyListener" : "ModifyRule", { rule: r.ruleArn, listener: r.listenerArn, primary, canary }, async () => {
      if (r.isDefault) {
        const out = await ctx.aws.elb.call(new ModifyListenerCommand({ ListenerArn: r.listenerArn, DefaultActions: actions }), { signal: ctx.signal });
        answer = out.Listeners?.[0]?.DefaultActions;
      } else {
        const out = await ctx.aws.elb.call(new ModifyRuleCommand({ RuleArn: r.ruleArn, Actions: actions }), { signal: ctx.signal });
        answer = out.Rules?.[0]?.Actions;
      }
      return { rule: r.ruleArn, primary, canary };
    });
    if (answer) after.set(r.ruleArn, answer);
    else unconfirmed.push(r);
  }
  if (unconfirmed.length) {
    const reread = await readForwardingRules(ctx.aws.elb, [...new Set(unconfirmed.map((r) => r.listenerArn))], arns, ctx.signal);
    for (const r of unconfirmed) {
      const now = reread.find((x) => x.ruleArn === r.ruleArn);
      if (!now) throw new StageError(`Listener rule ${r.ruleArn} disappeared while Kanaria was routing traffic.`);
      after.set(r.ruleArn, now.actions);
    }
  }
  for (const [ruleArn, actions] of after) {
    const w = weightsOf(actions, ptg.targetGroupArn, ctg.targetGroupArn);
    if (!w || w.primary !== primary || w.canary !== canary) {
      throw new StageError(`Listener rule ${ruleArn} reads back as primary ${w?.primary ?? "?"} / canary ${w?.canary ?? "?"}, expected ${primary} / ${canary}.`);
    }
  }
  ctx.log(`traffic: primary ${primary}% / canary ${canary}% on ${after.size} rule(s)`, { primary, canary });
  return { primary, canary, rules: after.size };
}
