// ELBv2 through the real @aws-sdk/client-elastic-load-balancing-v2 (query protocol, XML):
// load balancers, target groups, listeners, rules, weighted forward validation, targets.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateListenerCommand, CreateLoadBalancerCommand, CreateRuleCommand, CreateTargetGroupCommand, DeregisterTargetsCommand,
  DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeRulesCommand, DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand, ModifyListenerCommand, ModifyRuleCommand, RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { buildWorld, type Harness, rejectsWith, startHarness, testNetwork, unique, type World } from "./helpers.ts";

const forward = (...tgs: Array<[string, number]>) => [
  { Type: "forward" as const, ForwardConfig: { TargetGroups: tgs.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })) } },
];

describe("simulator: ELBv2", () => {
  let h: Harness;
  let w: World;
  before(async () => {
    // Draining lasts an hour of world time (6 s real) so a target is still draining when read back.
    h = await startHarness({ timeScale: 600, deregistrationDelayMs: 3_600_000 });
    w = await buildWorld(h);
  });
  after(async () => {
    await h.close();
  });

  test("DescribeLoadBalancers by ARN and name; unknown name is LoadBalancerNotFound", async () => {
    const elb = h.elb();
    const byArn = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [w.lbArn] }));
    const lb = byArn.LoadBalancers![0];
    assert.equal(lb.State?.Code, "active");
    assert.equal(lb.Type, "application");
    assert.ok(lb.CreatedTime instanceof Date);
    assert.match(lb.LoadBalancerArn!, /^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/[^/]+\/[0-9a-f]{16}$/);
    const byName = await elb.send(new DescribeLoadBalancersCommand({ Names: [lb.LoadBalancerName!] }));
    assert.equal(byName.LoadBalancers?.[0].LoadBalancerArn, w.lbArn);
    await rejectsWith(elb.send(new DescribeLoadBalancersCommand({ Names: ["no-such-lb"] })), "LoadBalancerNotFoundException");
  });

  test("DescribeTargetGroups: by load balancer, by ARN; unknown ARN is TargetGroupNotFound", async () => {
    const elb = h.elb();
    const out = await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: w.lbArn }));
    assert.deepEqual(out.TargetGroups?.map((t) => t.TargetGroupArn).sort(), [w.primaryTg, w.canaryTg].sort());
    assert.deepEqual(out.TargetGroups?.[0].LoadBalancerArns, [w.lbArn]);
    assert.equal(out.TargetGroups?.[0].TargetType, "ip");
    const err = await rejectsWith(
      elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [`${w.primaryTg.slice(0, -4)}ffff`] })),
      "TargetGroupNotFoundException",
    );
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.Code, "TargetGroupNotFound");
  });

  test("listener default action: ModifyListener replaces the weights; DescribeListeners reads them back", async () => {
    const elb = h.elb();
    await elb.send(new ModifyListenerCommand({ ListenerArn: w.listenerArn, DefaultActions: forward([w.primaryTg, 80], [w.canaryTg, 20]) }));
    const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [w.listenerArn] }));
    const tgs = out.Listeners?.[0].DefaultActions?.[0].ForwardConfig?.TargetGroups;
    assert.deepEqual(tgs?.map((t) => [t.TargetGroupArn, t.Weight]), [[w.primaryTg, 80], [w.canaryTg, 20]]);
    await elb.send(new ModifyListenerCommand({ ListenerArn: w.listenerArn, DefaultActions: forward([w.primaryTg, 100], [w.canaryTg, 0]) }));
    await rejectsWith(elb.send(new DescribeListenersCommand({ ListenerArns: [`${w.listenerArn}0`] })), "ListenerNotFoundException");
  });

  test("rules: CreateRule, DescribeRules (default last), ModifyRule weights, PriorityInUse, default rule is not modifiable", async () => {
    const elb = h.elb();
    const created = await elb.send(new CreateRuleCommand({
      ListenerArn: w.listenerArn, Priority: 10,
      Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/api/*"] } }],
      Actions: forward([w.primaryTg, 100], [w.canaryTg, 0]),
    }));
    const ruleArn = created.Rules![0].RuleArn!;
    assert.equal(created.Rules?.[0].Priority, "10");
    const modified = await elb.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: forward([w.primaryTg, 90], [w.canaryTg, 10]) }));
    assert.deepEqual(modified.Rules?.[0].Actions?.[0].ForwardConfig?.TargetGroups?.map((t) => t.Weight), [90, 10]);
    assert.deepEqual(modified.Rules?.[0].Conditions?.[0].PathPatternConfig?.Values, ["/api/*"], "ModifyRule without Conditions keeps them");
    const rules = await elb.send(new DescribeRulesCommand({ ListenerArn: w.listenerArn }));
    assert.deepEqual(rules.Rules?.map((r) => r.Priority), ["10", "default"]);
    assert.equal(rules.Rules?.[1].IsDefault, true);
    await rejectsWith(
      elb.send(new CreateRuleCommand({
        ListenerArn: w.listenerArn, Priority: 10, Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/x"] } }],
        Actions: forward([w.primaryTg, 1]),
      })),
      "PriorityInUseException",
    );
    await rejectsWith(
      elb.send(new ModifyRuleCommand({ RuleArn: rules.Rules![1].RuleArn, Actions: forward([w.primaryTg, 1]) })),
      "OperationNotPermittedException",
      /Default rule/,
    );
    await rejectsWith(elb.send(new DescribeRulesCommand({ RuleArns: [`${ruleArn}0`] })), "RuleNotFoundException");
    await elb.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: forward([w.primaryTg, 100], [w.canaryTg, 0]) }));
  });

  test("weighted forward validation: weights 0..999, at most 5 target groups, known target groups, one load balancer", async () => {
    const elb = h.elb();
    const rule = (await elb.send(new DescribeRulesCommand({ ListenerArn: w.listenerArn }))).Rules!.find((r) => !r.IsDefault)!;
    const err = await rejectsWith(
      elb.send(new ModifyRuleCommand({ RuleArn: rule.RuleArn, Actions: forward([w.primaryTg, 1000], [w.canaryTg, 0]) })),
      "ValidationError",
      /999/,
    );
    assert.equal(err.$metadata.httpStatusCode, 400);
    await rejectsWith(elb.send(new ModifyRuleCommand({ RuleArn: rule.RuleArn, Actions: forward([w.primaryTg, -1]) })), "ValidationError");
    const lb = (await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [w.lbArn] }))).LoadBalancers![0];
    const extra: string[] = [];
    for (let i = 0; i < 4; i++) {
      extra.push((await elb.send(new CreateTargetGroupCommand({ Name: unique("x"), Protocol: "HTTP", Port: 80, VpcId: lb.VpcId, TargetType: "ip" }))).TargetGroups![0].TargetGroupArn!);
    }
    const six = [w.primaryTg, w.canaryTg, ...extra].map((arn): [string, number] => [arn, 1]);
    await rejectsWith(elb.send(new ModifyListenerCommand({ ListenerArn: w.listenerArn, DefaultActions: forward(...six) })), "TooManyTargetGroupsException");
    await elb.send(new ModifyListenerCommand({ ListenerArn: w.listenerArn, DefaultActions: forward(...six.slice(0, 5)) })); // 5 is fine
    await elb.send(new ModifyListenerCommand({ ListenerArn: w.listenerArn, DefaultActions: forward([w.primaryTg, 100], [w.canaryTg, 0]) }));
    await rejectsWith(
      elb.send(new ModifyRuleCommand({ RuleArn: rule.RuleArn, Actions: forward([w.primaryTg, 1], [w.primaryTg, 1]) })),
      "ValidationError",
      /more than once/,
    );
    await rejectsWith(
      elb.send(new ModifyRuleCommand({ RuleArn: rule.RuleArn, Actions: forward([`${w.canaryTg.slice(0, -4)}ffff`, 1]) })),
      "TargetGroupNotFoundException",
    );
    // a target group already behind this load balancer cannot be used by another one
    const other = (await elb.send(new CreateLoadBalancerCommand({ Name: unique("other"), Subnets: testNetwork.subnets }))).LoadBalancers![0];
    await rejectsWith(
      elb.send(new CreateListenerCommand({ LoadBalancerArn: other.LoadBalancerArn, Protocol: "HTTP", Port: 80, DefaultActions: forward([w.primaryTg, 1]) })),
      "TargetGroupAssociationLimitException",
    );
  });

  test("RegisterTargets / DescribeTargetHealth / DeregisterTargets", async () => {
    const elb = h.elb();
    const lb = (await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [w.lbArn] }))).LoadBalancers![0];
    const tg = (await elb.send(new CreateTargetGroupCommand({ Name: unique("manual"), Protocol: "HTTP", Port: 8080, VpcId: lb.VpcId, TargetType: "ip" }))).TargetGroups![0].TargetGroupArn!;
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: "10.9.0.1" }, { Id: "10.9.0.2", Port: 9090 }] }));
    const unused = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }));
    assert.deepEqual(unused.TargetHealthDescriptions?.map((d) => d.TargetHealth?.State), ["unused", "unused"], "not behind a load balancer yet");
    await rejectsWith(
      elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: "not-an-ip" }] })),
      "InvalidTargetException",
    );
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: "10.9.0.1" }] }));
    const after = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg, Targets: [{ Id: "10.9.0.1", Port: 8080 }] }));
    assert.equal(after.TargetHealthDescriptions?.[0].TargetHealth?.State, "draining");
    await rejectsWith(elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: `${tg}0` })), "TargetGroupNotFoundException");
  });
});
