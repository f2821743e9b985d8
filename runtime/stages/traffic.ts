// Sets the primary/canary split on every listener rule (and default action) that forwards to
// either target group, then reads the rules back to check the weights took.
import { ModifyListenerCommand, ModifyRuleCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { StageContext } from "../executor/context.ts";
import { StageError } from "../executor/interrupt.ts";
import { findForwardingRules, rereadRules, reweight, weightsOf } from "../aws/elb-rules.ts";

export async function routeTraffic(ctx: StageContext, primary: number, canary: number): Promise<{ primary: number; canary: number; rules: number }> {
  const { primary: ptg, canary: ctg } = ctx.graph.target.targetGroups;
  if (!ptg || !ctg) throw new StageError("Traffic routing needs both a primary and a canary target group (spec.input.targetGroups).");
  const arns = [ptg.targetGroupArn, ctg.targetGroupArn];
  const rules = await findForwardingRules(ctx.aws.elb, arns, ctx.signal);
  if (rules.length === 0) {
    throw new StageError(
      `No listener rule forwards to ${ptg.targetGroupArn} or ${ctg.targetGroupArn}. Attach the primary target group to a listener (default action or rule) before deploying.`,
    );
  }
  for (const r of rules) {
    const current = weightsOf(r.actions, ptg.targetGroupArn, ctg.targetGroupArn);
    const actions = reweight(r.actions, ptg.targetGroupArn, ctg.targetGroupArn, primary, canary);
    const already = current?.primary === primary && current?.canary === canary && r.actions.every((a) => a.Type !== "forward" || a.ForwardConfig?.TargetGroups?.length);
    const step = `route:${r.ruleArn}`;
    if (already && !ctx.journal.result(ctx.node.id, step)) {
      // Nothing to change on this rule (e.g. resumed after the call went through).
      ctx.journal.settle(ctx.node.id, step, { rule: r.ruleArn, primary, canary });
      continue;
    }
    await ctx.step(step, r.isDefault ? "ModifyListener" : "ModifyRule", { rule: r.ruleArn, listener: r.listenerArn, primary, canary }, async () => {
      if (r.isDefault) await ctx.aws.elb.call(new ModifyListenerCommand({ ListenerArn: r.listenerArn, DefaultActions: actions }), { signal: ctx.signal });
      else await ctx.aws.elb.call(new ModifyRuleCommand({ RuleArn: r.ruleArn, Actions: actions }), { signal: ctx.signal });
      return { rule: r.ruleArn, primary, canary };
    });
  }
  // Read back: every forwarding rule must now carry the split.
  const after = await rereadRules(ctx.aws.elb, rules, ctx.signal);
  if (after.length !== rules.length) throw new StageError(`Listener rules changed while Kanaria was routing traffic: ${rules.length - after.length} rule(s) disappeared.`);
  for (const r of after) {
    const w = weightsOf(r.actions, ptg.targetGroupArn, ctg.targetGroupArn);
    if (!w || w.primary !== primary || w.canary !== canary) {
      throw new StageError(`Listener rule ${r.ruleArn} reads back as primary ${w?.primary ?? "?"} / canary ${w?.canary ?? "?"}, expected ${primary} / ${canary}.`);
    }
  }
  ctx.log(`traffic: primary ${primary}% / canary ${canary}% on ${after.length} rule(s)`, { primary, canary });
  return { primary, canary, rules: after.length };
}
