// Small units: ELB action rewriting keeps everything else, the token bucket paces callers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { reweight, weightsOf } from "../../runtime/aws/elb-rules.ts";
import { TokenBucket } from "../../runtime/aws/token-bucket.ts";

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
