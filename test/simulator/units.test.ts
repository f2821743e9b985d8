// Pure pieces of the simulator, without HTTP: query parsing, fault decisions, the clock,
// computedDesiredCount rounding, the query protocol decoder and scenario loading.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createClock } from "../../runtime/simulator/clock.ts";
import { decideFault } from "../../runtime/simulator/faults.ts";
import { parseQuery } from "../../runtime/simulator/elbv2/query.ts";
import { parseDatadogQuery, tagMatches } from "../../runtime/simulator/metrics/query-parser.ts";
import { parsePromQL } from "../../runtime/simulator/metrics/promql.ts";
import { seededRandom } from "../../runtime/simulator/random.ts";
import { buildState } from "../../runtime/simulator/index.ts";
import { parseScenario } from "../../runtime/simulator/scenario.ts";
import { computedDesiredCount } from "../../runtime/simulator/ecs/task-sets.ts";
import { callEcs } from "../../runtime/simulator/ecs/handler.ts";

describe("simulator units", () => {
  test("Datadog query parser: aggregator, filters, group by, modifiers, arithmetic", () => {
    const [node] = parseDatadogQuery("sum:aws.applicationelb.httpcode_target_5xx{targetgroup:targetgroup/a/1,!env:dev} by {loadbalancer}.as_count().rollup(sum, 120) / 2");
    assert.equal(node.kind, "bin");
    const left = (node as any).left;
    assert.equal(left.aggr, "sum");
    assert.deepEqual(left.filters, [{ key: "targetgroup", value: "targetgroup/a/1", negate: false }, { key: "env", value: "dev", negate: true }]);
    assert.deepEqual(left.groupBy, ["loadbalancer"]);
    assert.equal(left.asCount, true);
    assert.deepEqual(left.rollup, { method: "sum", seconds: 120 });
    assert.equal(parseDatadogQuery("avg:a{*}, max:b{x:y}").length, 2);
    assert.throws(() => parseDatadogQuery("sum:a{x:y}.bogus()"));
    assert.ok(tagMatches("targetgroup/web-*", "targetgroup/web-canary/123"));
    assert.ok(!tagMatches("app", "application"));
  });

  test("PromQL parser: aggregation with by, rate over a range, binary operators", () => {
    const node = parsePromQL('sum by (target_group) (rate(alb_request_count{target_group=~"targetgroup/web.*"}[5m])) / 60') as any;
    assert.equal(node.kind, "bin");
    assert.equal(node.left.kind, "aggr");
    assert.deepEqual(node.left.by, ["target_group"]);
    assert.equal(node.left.arg.arg.rangeMs, 300_000);
    assert.throws(() => parsePromQL("rate(alb_request_count)"));
  });

  test("fault decisions: count-limited, per operation, seeded", () => {
    const rules = [{ operation: "DescribeServices", throttleRate: 1, count: 2 }];
    const rand = seededRandom(1);
    assert.equal(decideFault(rules, "ecs", "DescribeServices", rand).kind, "throttle");
    assert.equal(decideFault(rules, "ecs", "DescribeTaskSets", rand).kind, null);
    assert.equal(decideFault(rules, "ecs", "DescribeServices", rand).kind, "throttle");
    assert.equal(decideFault(rules, "ecs", "DescribeServices", rand).kind, null);
    const a = seededRandom(99);
    const b = seededRandom(99);
    assert.deepEqual([a(), a(), a()], [b(), b(), b()]);
  });

  test("clock: time scale and manual advance", () => {
    let real = 1000;
    const clock = createClock({ startTime: 0, timeScale: 60, realNow: () => real });
    real += 1000;
    assert.equal(clock.now(), 60_000);
    clock.advance(5);
    assert.equal(clock.now(), 60_005);
    clock.setTimeScale(0);
    real += 1000;
    assert.equal(clock.now(), 60_005);
  });

  test("query protocol decoding: members become arrays, nesting kept", () => {
    const p = parseQuery("Action=ModifyRule&Version=2015-12-01&RuleArn=r&Actions.member.1.Type=forward&Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight=5&Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight=95&Names=");
    assert.equal(p.action, "ModifyRule");
    assert.deepEqual(p.params.Actions, [{ Type: "forward", ForwardConfig: { TargetGroups: [{ Weight: "95" }, { Weight: "5" }] } }]);
    assert.equal(p.params.Names, "");
  });

  test("computedDesiredCount rounds up without float error; scenario builds a steady primary", async () => {
    const text = `
settings: { seed: 3, timeScale: 0 }
clusters: [demo]
taskDefinitions:
  - { family: api, image: "api:1" }
loadBalancers:
  - name: lb
    targetGroups: [{ name: tg-a }, { name: tg-b }]
    listeners: [{ port: 80, defaultForward: { tg-a: 100, tg-b: 0 } }]
services:
  - { cluster: demo, serviceName: api, desiredCount: 10, primaryTaskSet: { taskDefinition: "api:1", targetGroup: tg-a, scale: 30 } }
`;
    const s = buildState({}, parseScenario(text));
    const set = [...s.taskSets.values()][0];
    assert.equal(computedDesiredCount(s, set), 3);
    assert.equal(set.stabilityStatus, "STEADY_STATE");
    assert.equal(set.status, "PRIMARY");
    const out = callEcs(s, "DescribeServices", { cluster: "demo", services: ["api"] }) as any;
    assert.equal(out.services[0].runningCount, 3);
    assert.throws(() => parseScenario("bogus: 1"), /unknown top-level key/);
  });
});
