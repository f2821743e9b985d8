// The traffic model seen through the real Datadog client and the Prometheus API: a bad
// revision produces 5xx once the listener routes traffic to it, and nothing at weight 0.
// Time is frozen (timeScale 0) and moved with /_sim/clock, so numbers are deterministic.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateTaskSetCommand, DescribeTaskSetsCommand } from "@aws-sdk/client-ecs";
import { DescribeTargetGroupsCommand, DescribeListenersCommand, DescribeLoadBalancersCommand, ModifyListenerCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { client } from "../helpers/datadog-client.ts";
import { type Harness, needsSimDatadog, startHarness } from "./helpers.ts";

const scenario = new URL("../../runtime/simulator/scenarios/canary.yaml", import.meta.url).pathname;

describe("simulator: traffic model, Datadog and Prometheus", () => {
  let h: Harness;
  let primaryTg = "";
  let canaryTg = "";
  let primaryDim = "";
  let canaryDim = "";
  let lbDim = "";
  let listenerArn = "";
  const dim = (arn: string) => arn.slice(arn.indexOf(":targetgroup/") + 1);
  const query = async (q: string, fromMs: number, toMs: number) =>
    h.metrics().queryMetrics({ from: Math.floor(fromMs / 1000), to: Math.floor(toMs / 1000), query: q });
  const total = (series: any[] | undefined) => (series ?? []).flatMap((s) => s.pointlist ?? []).reduce((a: number, p: any) => a + (p[1] ?? 0), 0);
  const advance = (ms: number) => h.control("clock", { advanceMs: ms });

  before(async () => {
    if (needsSimDatadog.skip) return;
    h = await startHarness({ scenario, timeScale: 0, startTime: Date.UTC(2025, 0, 1, 12, 0, 0) });
    const elb = h.elb();
    const tgs = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups!;
    primaryTg = tgs.find((t) => t.TargetGroupName === "demo-primary")!.TargetGroupArn!;
    canaryTg = tgs.find((t) => t.TargetGroupName === "demo-canary")!.TargetGroupArn!;
    primaryDim = dim(primaryTg);
    canaryDim = dim(canaryTg);
    const lb = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers![0];
    lbDim = lb.LoadBalancerArn!.split(":loadbalancer/")[1];
    listenerArn = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).Listeners![0].ListenerArn!;
  });
  after(async () => {
    await h?.close();
  });

  test("bad keys get Datadog's 403", async () => {
    const h2 = h ?? (await startHarness({ timeScale: 0 }));
    try {
      await h2.metrics({ api: "", app: "" }).queryMetrics({ from: 0, to: 60, query: "avg:system.cpu.user{*}" });
      assert.fail("expected a 403");
    } catch (e) {
      assert.ok(e instanceof client.ApiException, String(e));
      assert.equal((e as client.ApiException<any>).code, 403);
      assert.deepEqual((e as client.ApiException<any>).body.errors, ["Forbidden"]);
    } finally {
      if (!h) await h2.close();
    }
  });

  test("primary has traffic history; the weight-0 canary has no data (empty series, not zeros)", needsSimDatadog, async () => {
    const { now } = await advance(10 * 60_000);
    const from = now - 10 * 60_000;
    const primary = await query(`sum:aws.applicationelb.request_count{targetgroup:${primaryDim}}.as_count()`, from, now);
    assert.equal(primary.series?.length, 1);
    assert.equal(primary.series?.[0].pointlist?.length, 10, "one point per minute");
    const perMinute = primary.series![0].pointlist![0][1]!;
    assert.ok(perMinute > 2700 && perMinute < 3300, `~50 rps * 60 s, got ${perMinute}`);
    const canary = await query(`sum:aws.applicationelb.httpcode_target_5xx{targetgroup:${canaryDim}}.as_count()`, from, now);
    assert.deepEqual(canary.series, []);
    const canaryReq = await query(`sum:aws.applicationelb.request_count{targetgroup:${canaryDim}}.as_count()`, from, now);
    assert.deepEqual(canaryReq.series, []);
    const healthy = await query(`avg:aws.applicationelb.healthy_host_count{targetgroup:${primaryDim}}`, from, now);
    assert.equal(healthy.series?.[0].pointlist?.[0][1], 4);
  });

  test("a canary with weight but no targets yet gets ELB 503s, not target 5xx", needsSimDatadog, async () => {
    const elb = h.elb();
    const fwd = (p: number, c: number) => [{ Type: "forward" as const, ForwardConfig: { TargetGroups: [{ TargetGroupArn: primaryTg, Weight: p }, { TargetGroupArn: canaryTg, Weight: c }] } }];
    await elb.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: fwd(90, 10) }));
    const { now: start } = await h.control("clock");
    const { now } = await advance(3 * 60_000);
    const elb5xx = await query(`sum:aws.applicationelb.httpcode_elb_5xx{loadbalancer:${lbDim}}.as_count()`, start, now);
    assert.ok(total(elb5xx.series) > 0, "ELB answers 503 for the empty canary target group");
    const target5xx = await query(`sum:aws.applicationelb.httpcode_target_5xx{targetgroup:${canaryDim}}.as_count()`, start, now);
    assert.equal(total(target5xx.series), 0);
    await elb.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: fwd(100, 0) }));
  });

  test("the bad revision's 5xx appear once weights route traffic to it, and stop at weight 0", needsSimDatadog, async () => {
    const ecs = h.ecs();
    const elb = h.elb();
    const created = await ecs.send(new CreateTaskSetCommand({
      cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/demo", service: "web", taskDefinition: "web:2", launchType: "FARGATE",
      networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-0aaa1111"], securityGroups: [], assignPublicIp: "DISABLED" } },
      loadBalancers: [{ targetGroupArn: canaryTg, containerName: "web", containerPort: 80 }], scale: { value: 50, unit: "PERCENT" },
    }));
    assert.equal(created.taskSet?.stabilityStatus, "STABILIZING");
    await advance(60_000);
    const ts = await ecs.send(new DescribeTaskSetsCommand({ cluster: "demo", service: "web", taskSets: [created.taskSet!.id!] }));
    assert.equal(ts.taskSets?.[0].stabilityStatus, "STEADY_STATE");
    assert.equal(ts.taskSets?.[0].runningCount, 2);

    // weight 0: canary tasks are healthy but get nothing
    const { now: t0 } = await advance(2 * 60_000);
    let canary5xx = await query(`sum:aws.applicationelb.httpcode_target_5xx{targetgroup:${canaryDim}}.as_count()`, t0 - 2 * 60_000, t0);
    assert.deepEqual(canary5xx.series, []);

    const fwd = (p: number, c: number) => [{ Type: "forward" as const, ForwardConfig: { TargetGroups: [{ TargetGroupArn: primaryTg, Weight: p }, { TargetGroupArn: canaryTg, Weight: c }] } }];
    await elb.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: fwd(80, 20) }));
    const { now: t1 } = await advance(5 * 60_000);
    canary5xx = await query(`sum:aws.applicationelb.httpcode_target_5xx{targetgroup:${canaryDim}}.as_count()`, t0, t1);
    const canaryReq = await query(`sum:aws.applicationelb.request_count{targetgroup:${canaryDim}}.as_count()`, t0, t1);
    assert.equal(canary5xx.series?.[0].pointlist?.length, 5, "points only where traffic flowed");
    const ratio = total(canary5xx.series) / total(canaryReq.series);
    assert.ok(ratio > 0.2 && ratio < 0.3, `web:2 errs ~25%, got ${ratio}`);
    const perMinute = canaryReq.series![0].pointlist![0][1]!;
    assert.ok(perMinute > 500 && perMinute < 700, `20% of 3000/min, got ${perMinute}`);

    // arithmetic between two series, and tag filters with several tags
    const rate = await query(
      `sum:aws.applicationelb.httpcode_target_5xx{targetgroup:${canaryDim},loadbalancer:${lbDim}}.as_count() / sum:aws.applicationelb.request_count{targetgroup:${canaryDim}}.as_count()`,
      t0, t1,
    );
    assert.equal(rate.series?.length, 1);
    assert.ok(rate.series![0].pointlist!.every((p) => p[1]! > 0.1 && p[1]! < 0.4));
    const primaryRate = await query(
      `sum:aws.applicationelb.httpcode_target_5xx{targetgroup:${primaryDim}}.as_count() / sum:aws.applicationelb.request_count{targetgroup:${primaryDim}}.as_count()`,
      t0, t1,
    );
    assert.ok(primaryRate.series![0].pointlist!.every((p) => p[1]! < 0.01));
    const latency = await query(`avg:aws.applicationelb.target_response_time.average{targetgroup:${canaryDim}}`, t0, t1);
    assert.ok(Math.abs(latency.series![0].pointlist![0][1]! - 0.18) < 0.02, "web:2 latency 180 ms, in seconds");
    const grouped = await query(`sum:aws.applicationelb.request_count{loadbalancer:${lbDim}} by {targetgroup}.rollup(sum, 120)`, t0, t1);
    assert.equal(grouped.series?.length, 2);
    assert.equal(grouped.series?.[0].interval, 120);

    // same question, same answer
    const again = await query(`sum:aws.applicationelb.httpcode_target_5xx{targetgroup:${canaryDim}}.as_count()`, t0, t1);
    assert.deepEqual(again.series?.[0].pointlist, canary5xx.series?.[0].pointlist);

    // Prometheus-style
    const prom = await fetch(`${h.awsUrl}/api/v1/query_range?${new URLSearchParams({
      query: `sum(rate(alb_httpcode_target_5xx_count{target_group="${canaryDim}"}[1m])) / sum(rate(alb_request_count{target_group="${canaryDim}"}[1m]))`,
      start: String((t0 + 60_000) / 1000), end: String(t1 / 1000), step: "60",
    })}`).then((r) => r.json());
    assert.equal(prom.status, "success");
    const values = prom.data.result[0].values.map((v: [number, string]) => Number(v[1]));
    assert.ok(values.length >= 4 && values.every((v: number) => v > 0.1 && v < 0.4), JSON.stringify(values));

    // back to weight 0: no more canary traffic
    await elb.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: fwd(100, 0) }));
    const { now: t2 } = await advance(3 * 60_000);
    const quiet = await query(`sum:aws.applicationelb.httpcode_target_5xx{targetgroup:${canaryDim}}.as_count()`, t1, t2);
    assert.deepEqual(quiet.series, []);
  });

  test("behaviour changes through /_sim/behaviour affect later traffic only", needsSimDatadog, async () => {
    await h.control("behaviour", { key: "web:1", errorRate: 0.5 });
    const { now: t0 } = await h.control("clock");
    const { now: t1 } = await advance(2 * 60_000);
    const rate = await query(
      `sum:aws.applicationelb.httpcode_target_5xx{targetgroup:${primaryDim}}.as_count() / sum:aws.applicationelb.request_count{targetgroup:${primaryDim}}.as_count()`,
      t0, t1,
    );
    assert.ok(rate.series![0].pointlist!.every((p) => p[1]! > 0.4 && p[1]! < 0.6));
    const before = await query(
      `sum:aws.applicationelb.httpcode_target_5xx{targetgroup:${primaryDim}}.as_count() / sum:aws.applicationelb.request_count{targetgroup:${primaryDim}}.as_count()`,
      t0 - 5 * 60_000, t0,
    );
    assert.ok(before.series![0].pointlist!.every((p) => p[1]! < 0.01));
  });

  test("bad queries are 400 with Datadog's error shape", needsSimDatadog, async () => {
    try {
      await h.metrics().queryMetrics({ from: 0, to: 60, query: "sum:aws.applicationelb.request_count{" });
      assert.fail("expected 400");
    } catch (e) {
      assert.equal((e as client.ApiException<any>).code, 400);
    }
  });
});
