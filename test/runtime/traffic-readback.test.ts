// Traffic routing checks that the weights took: from the ModifyListener answer, or by reading
// the rule again when the change was made before a restart; the listener topology is looked up
// once per deployment. Driven against a scripted ELB that records every call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { routeTraffic } from "../../runtime/stages/traffic.ts";
import { fakeStage } from "../analysis/fake-context.ts";
import type { AwsApi } from "../../runtime/aws/call.ts";

const P = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef";
const C = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/fedcba9876543210";
const LB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1";
const L = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2";
const RULE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/1/2/default";

/** One listener whose default action forwards to P/C; `lie` makes Modify answer without applying. */
function scriptedElb(o: { lie?: boolean } = {}) {
  let actions: any[] = [{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: P, Weight: 100 }, { TargetGroupArn: C, Weight: 0 }] } }];
  const calls: string[] = [];
  const elb: AwsApi = {
    service: "elbv2",
    async call(cmd: any): Promise<any> {
      const op = cmd.constructor.name.replace(/Command$/, "");
      calls.push(op);
      switch (op) {
        case "DescribeTargetGroups":
          return { TargetGroups: [P, C].map((TargetGroupArn) => ({ TargetGroupArn, LoadBalancerArns: [LB] })) };
        case "DescribeListeners":
          return { Listeners: [{ ListenerArn: L }] };
        case "DescribeRules":
          return { Rules: [{ RuleArn: RULE, IsDefault: true, Actions: actions }] };
        case "ModifyListener":
          if (!o.lie) actions = cmd.input.DefaultActions;
          return { Listeners: [{ ListenerArn: L, DefaultActions: actions }] };
        default:
          throw new Error(`unexpected ${op}`);
      }
    },
  };
  return { elb, calls };
}

async function stageWith(elb: AwsApi, o: Parameters<typeof fakeStage>[2] = {}, listeners = new Map<string, string[]>()) {
  const f = await fakeStage("ECS_TRAFFIC_ROUTING", { primary: 100, canary: 0 }, o);
  (f.ctx.graph as any).target = { targetGroups: { primary: { targetGroupArn: P }, canary: { targetGroupArn: C } } };
  (f.ctx as any).aws = { elb, listeners };
  return f;
}

test("the ModifyListener answer confirms the split; the second stage reuses the topology", async () => {
  const { elb, calls } = scriptedElb();
  const first = await stageWith(elb);
  assert.deepEqual(await routeTraffic(first.ctx, 80, 20), { primary: 80, canary: 20, rules: 1 });
  assert.deepEqual(calls, ["DescribeTargetGroups", "DescribeListeners", "DescribeRules", "ModifyListener"]);
  calls.length = 0;
  // The pipeline's second routing stage: same deployment, same AWS context, another node.
  const later = await stageWith(elb, { store: first.store, events: first.events, deploymentId: first.ctx.deploymentId, nodeId: "stage-4" }, (first.ctx as any).aws.listeners);
  assert.deepEqual(await routeTraffic(later.ctx, 100, 0), { primary: 100, canary: 0, rules: 1 });
  assert.deepEqual(calls, ["DescribeRules", "ModifyListener"], "no topology lookup, no extra read-back");
});

test("a rule that does not carry the split after ModifyListener fails the stage", async () => {
  const { elb } = scriptedElb({ lie: true });
  const { ctx } = await stageWith(elb);
  await assert.rejects(routeTraffic(ctx, 80, 20), /reads back as primary 100 \/ canary 0, expected 80 \/ 20/);
});

test("a change journaled before a restart is confirmed by reading the rule again", async () => {
  const { elb, calls } = scriptedElb();
  const { ctx } = await stageWith(elb);
  await routeTraffic(ctx, 80, 20);
  // Same node again, as after a restart: the step is DONE in the journal, so nothing is sent
  // and there is no ModifyListener answer to check; the rule is read instead.
  (ctx as any).aws = { elb, listeners: new Map() };
  calls.length = 0;
  assert.deepEqual(await routeTraffic(ctx, 80, 20), { primary: 80, canary: 20, rules: 1 });
  assert.deepEqual(calls, ["DescribeTargetGroups", "DescribeListeners", "DescribeRules", "DescribeRules"]);
});
