// Small units: ELB action rewriting keeps everything else, the token bucket paces callers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { reweight, weightsOf } from "../../runtime/aws/elb-rules.ts";
import { TokenBucket } from "../../runtime/aws/token-bucket.ts";
import { POLL_SHARE, ServicePoller } from "../../runtime/aws/service-poller.ts";

const P = "arn:tg/primary";
const C = "arn:tg/canary";

test("reweight keeps other actions, stickiness and other target groups", () => {
  const actions: any[] = [
    { Type: "authenticate-oidc", Order: 1, AuthenticateOidcConfig: { Issuer: "x" } },
    { Type: "forward", Order: 2, TargetGroupArn: P, ForwardConfig: { TargetGroups: [{ TargetGroupArn: P, Weight: 1 }, { TargetGroupArn: "arn:tg/other", Weight: 0 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } } },
  ];
  const out = reweight(actions, P, C, 80, 20);
  assert.deepEqual(out[0], actions[0]);
  assert.equal(out[1].TargetGroupArn, undefined);
  assert.equal(out[1].Order, 2);
  assert.deepEqual(out[1].ForwardConfig, {
    TargetGroups: [{ TargetGroupArn: P, Weight: 80 }, { TargetGroupArn: C, Weight: 20 }, { TargetGroupArn: "arn:tg/other", Weight: 0 }],
    TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
  });
  assert.deepEqual(weightsOf(out, P, C), { primary: 80, canary: 20 });
  assert.deepEqual(weightsOf([{ Type: "forward", TargetGroupArn: P }] as any, P, C), { primary: 100, canary: 0 });
  assert.equal(weightsOf([{ Type: "fixed-response" }] as any, P, C), null);
});

test("token bucket: burst then the refill rate", async () => {
  const b = new TokenBucket(50, 5);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 10 }, () => b.take()));
  const took = performance.now() - t0;
  assert.ok(took >= 80, `5 burst + 5 at 50/s needs ~100 ms, took ${took}`);
  const ac = new AbortController();
  const pending = Promise.all(Array.from({ length: 3 }, () => b.take(ac.signal)));
  ac.abort(new Error("stop"));
  await assert.rejects(pending, /stop/);
});

test("token bucket: a foreground take waiting is served before every background one", async () => {
  const b = new TokenBucket(100, 1);
  await b.take(); // the burst is spent
  const order: string[] = [];
  const polls = Array.from({ length: 3 }, (_, i) => b.take(undefined, "background").then(() => order.push(`poll${i}`)));
  const read = b.take().then(() => order.push("read"));
  await Promise.all([...polls, read]);
  assert.deepEqual(order, ["read", "poll0", "poll1", "poll2"]);
});

test("service poller: a big fleet's polls stay within their share of the read rate", async () => {
  const calls: { at: number; services: number; background: boolean }[] = [];
  const t0 = performance.now();
  const ecs = {
    service: "ecs" as const,
    async call(cmd: any, o: { background?: boolean } = {}): Promise<any> {
      calls.push({ at: performance.now() - t0, services: cmd.input.services.length, background: !!o.background });
      return { services: cmd.input.services.map((serviceName: string) => ({ serviceName })) };
    },
  };
  // 100 services = 10 DescribeServices a round; at 100 reads/s the next round may start only
  // 10 / (POLL_SHARE × 100) s later, although the floor is 10 ms.
  const poller = new ServicePoller(ecs, 10, 100);
  const names = Array.from({ length: 100 }, (_, i) => `svc-${i}`);
  for (let round = 0; round < 3; round++) await Promise.all(names.map((n) => poller.describe("c", n, undefined, true)));
  assert.equal(calls.length, 30);
  assert.ok(calls.every((c) => c.services === 10 && c.background), "ten services per call, all in the background lane");
  const starts = [calls[0].at, calls[10].at, calls[20].at];
  const share = POLL_SHARE * 100;
  for (const i of [1, 2]) assert.ok(starts[i] - starts[i - 1] >= (10 / share) * 1000 - 5, `round ${i} waited ${starts[i] - starts[i - 1]} ms`);
});

test("service poller: a one-off read is not held back by the polls' spacing", async () => {
  const calls: { at: number; background: boolean }[] = [];
  const t0 = performance.now();
  const ecs = {
    service: "ecs" as const,
    async call(cmd: any, o: { background?: boolean } = {}): Promise<any> {
      calls.push({ at: performance.now() - t0, background: !!o.background });
      return { services: cmd.input.services.map((serviceName: string) => ({ serviceName })) };
    },
  };
  // At 1 read/s a round of 10 calls holds the next round back 10 / POLL_SHARE = 12.5 s.
  const poller = new ServicePoller(ecs, 10, 1);
  await Promise.all(Array.from({ length: 100 }, (_, i) => poller.describe("c", `svc-${i}`, undefined, true)));
  const before = performance.now() - t0;
  await poller.describe("c", "svc-0");
  const spacing = (10 / POLL_SHARE) * 1000;
  assert.equal(calls.length, 11);
  assert.equal(calls.at(-1)!.background, false, "a one-off read is a foreground call");
  assert.ok(calls.at(-1)!.at - before < spacing / 2, `the read went out ${calls.at(-1)!.at - before} ms later, not after the ${spacing} ms spacing`);
});
