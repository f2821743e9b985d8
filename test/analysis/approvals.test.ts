// WAIT_APPROVAL, the approval board, approver tokens, the HTTP route and `kanaria approve`.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ApprovalBoard } from "../../runtime/approvals/board.ts";
import { loadApproverTokens, parseApproverTokens } from "../../runtime/approvals/tokens.ts";
import { approvalRoutes } from "../../runtime/approvals/routes.ts";
import { waitApprovalStage } from "../../runtime/stages/wait-approval.ts";
import { approveCommand } from "../../runtime/cli/approve.ts";
import { serve } from "../../runtime/platform/index.ts";
import { Interrupt } from "../../runtime/executor/interrupt.ts";
import { fakeStage } from "./fake-context.ts";
import { tempDir } from "./helpers.ts";

const TOKENS = {
  "alice-token-0123456789abcdef": "alice",
  "bob-token-0123456789abcdef00": "bob",
  "mallory-token-0123456789abcd": "mallory",
};
const tokens = parseApproverTokens(JSON.stringify(TOKENS));
const tick = () => new Promise((r) => setTimeout(r, 10));

async function waiting(params: Record<string, unknown>) {
  const f = await fakeStage("WAIT_APPROVAL", params);
  const board = new ApprovalBoard(f.store, f.events);
  const done = waitApprovalStage(board)(f.ctx);
  await tick();
  const app = approvalRoutes({ board, tokens, exists: async (id) => (await f.store.getDeployment(id)) !== null });
  const approve = (token: string | null, id = f.ctx.deploymentId) =>
    app.request(`/api/deployments/${id}/approve`, { method: "POST", headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { ...f, board, done, approve, app };
}

describe("approver tokens", () => {
  test("YAML or JSON map token -> approver; lookups by header", () => {
    const t = parseApproverTokens("alice-token-0123456789abcdef: alice\nbob-token-0123456789abcdef00: bob\n");
    assert.equal(t.size, 2);
    assert.equal(t.fromHeader("Bearer bob-token-0123456789abcdef00"), "bob");
    assert.equal(t.fromHeader("Bearer bob-token-0123456789abcdef0"), null);
    assert.equal(t.fromHeader("bob-token-0123456789abcdef00"), null);
    assert.equal(t.lookup(""), null);
  });

  test("short tokens and malformed files are refused", () => {
    assert.throws(() => parseApproverTokens("short: alice"), /shorter than 16/);
    assert.throws(() => parseApproverTokens("- a\n- b"), /map of token/);
    const dir = tempDir();
    writeFileSync(join(dir, "tokens.yaml"), JSON.stringify(TOKENS));
    assert.equal(loadApproverTokens(join(dir, "tokens.yaml")).lookup("alice-token-0123456789abcdef"), "alice");
  });
});

describe("WAIT_APPROVAL", () => {
  test("wrong or missing token -> 401; unlisted approver -> 403; nothing pending -> 409", async () => {
    const w = await waiting({ approvers: ["alice", "bob"], minApproverNum: 1 });
    assert.equal((await w.approve(null)).status, 401);
    assert.equal((await w.approve("not-a-token-at-all-0000")).status, 401);
    const r403 = await w.approve("mallory-token-0123456789abcd");
    assert.equal(r403.status, 403);
    assert.match(((await r403.json()) as any).message, /mallory is not among the approvers/);
    assert.equal((await w.approve("alice-token-0123456789abcdef")).status, 200);
    const out = await w.done;
    assert.deepEqual(out, { message: "Approved by alice", approvedBy: ["alice"] });
    const late = await w.approve("bob-token-0123456789abcdef00");
    assert.equal(late.status, 409, "the stage is no longer waiting");
    assert.equal((await w.approve("bob-token-0123456789abcdef00", "d-unknown")).status, 404);
  });

  test("minApproverNum 2 needs two different approvers; the same approver counts once", async () => {
    const w = await waiting({ approvers: ["alice", "bob", "carol"], minApproverNum: 2 });
    let finished = false;
    void w.done.then(() => (finished = true));
    const first = await w.approve("alice-token-0123456789abcdef");
    assert.equal(first.status, 200);
    assert.equal(((await first.json()) as any).complete, false);
    const again = await w.approve("alice-token-0123456789abcdef");
    assert.equal(again.status, 200);
    const body = (await again.json()) as any;
    assert.equal(body.accepted, false);
    assert.deepEqual(body.approvedBy, ["alice"]);
    await tick();
    assert.equal(finished, false, "one approver is not enough");
    assert.equal((await w.approve("bob-token-0123456789abcdef00")).status, 200);
    assert.deepEqual(((await w.done) as { approvedBy: string[] }).approvedBy, ["alice", "bob"]);
    assert.ok((await w.store.listEvents(w.ctx.deploymentId)).some((e) => e.type === "approval.waiting"));
  });

  test("an empty approvers list accepts anyone with a token", async () => {
    const w = await waiting({ approvers: [], minApproverNum: 1 });
    assert.equal((await w.approve("mallory-token-0123456789abcd")).status, 200);
    assert.deepEqual(((await w.done) as { approvedBy: string[] }).approvedBy, ["mallory"]);
  });

  test("the node timeout fails the stage (-> rollback)", async () => {
    const w = await waiting({ approvers: ["alice"], minApproverNum: 1 });
    w.abort(new Interrupt("node-timeout", "stage-0 (WAIT_APPROVAL) did not finish within its timeout of 2h."));
    await assert.rejects(w.done, /did not finish within its timeout/);
    assert.equal((await w.approve("alice-token-0123456789abcdef")).status, 409);
  });

  test("approvals survive a restart: the resumed stage counts those already given", async () => {
    const w = await waiting({ approvers: ["alice", "bob"], minApproverNum: 2 });
    assert.equal((await w.approve("alice-token-0123456789abcdef")).status, 200);
    w.abort(new Interrupt("shutdown", "shutting down"));
    await assert.rejects(w.done);
    // A new process: same store, new board and stage run.
    const again = await fakeStage("WAIT_APPROVAL", { approvers: ["alice", "bob"], minApproverNum: 2 }, { store: w.store, deploymentId: w.ctx.deploymentId });
    const board = new ApprovalBoard(again.store, again.events);
    const done = waitApprovalStage(board)(again.ctx);
    await tick();
    assert.equal((await board.approve(again.ctx.deploymentId, "bob")).status, "accepted");
    assert.deepEqual(((await done) as { approvedBy: string[] }).approvedBy, ["alice", "bob"]);
  });

  test("kanaria approve ID --server URL --token-file F", async () => {
    const w = await waiting({ approvers: ["alice"], minApproverNum: 1 });
    const server = await serve((req) => w.app.fetch(req));
    const dir = tempDir();
    writeFileSync(join(dir, "alice"), "alice-token-0123456789abcdef\n");
    writeFileSync(join(dir, "mallory"), "mallory-token-0123456789abcd\n");
    const lines: string[] = [];
    const io = { out: (s: string) => lines.push(s), err: (s: string) => lines.push(s) };
    try {
      assert.equal(await approveCommand([w.ctx.deploymentId, "--server", server.url, "--token-file", join(dir, "mallory")], io), 1);
      assert.match(lines.at(-1)!, /403 mallory is not among the approvers/);
      assert.equal(await approveCommand([w.ctx.deploymentId, "--server", server.url, "--token-file", join(dir, "alice")], io), 0);
      assert.match(lines.at(-1)!, /Approved by alice \(1 of 1\)\. stage-0 can proceed\./);
      await w.done;
      assert.equal(await approveCommand([w.ctx.deploymentId, "--server", server.url, "--token-file", join(dir, "alice")], io), 1);
      assert.match(lines.at(-1)!, /409 Deployment .* is not waiting for an approval/);
      assert.equal(await approveCommand(["--server", server.url], io), 2);
    } finally {
      await server.close();
    }
  });
});
