// Hardening of the HTTP API and of `kanaria deploy --server`, from the outside: a real server on
// a real port (raw TCP where the Host header matters), real `kanaria serve` / `kanaria deploy`
// processes for the restart. Broken graphs get 400/422 with the JSON path (never 500), SSE
// streams end whatever Last-Event-ID says, script env values never leave the process, only
// loopback Host names are answered on loopback, and deploy --server rides out a server restart.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileFixture, FIXTURES, simRuntime, startSim, targetGroupArns, tempDir } from "./helpers.ts";
import { freePort } from "../helpers/net.ts";
import { ROOT } from "../helpers/cli.ts";
import { until } from "../helpers/until.ts";
import { createApp } from "../../runtime/server/app.ts";
import { serve, type RunningServer } from "../../runtime/platform/index.ts";
import { readSse } from "../../runtime/cli/sse-client.ts";
import { graphDigest } from "../../compiler/graph/digest.ts";
import { checkGraphStructure } from "../../runtime/executor/graph-structure.ts";
import { redactGraph, maskSecrets } from "../../runtime/executor/graph-redaction.ts";
import { nestingBeyond } from "../../runtime/server/json-depth.ts";
import { hostAllowed } from "../../runtime/server/host-check.ts";
import { SubmitError, type Runtime } from "../../runtime/executor/runtime.ts";
import type { Graph } from "../../runtime/executor/graph.ts";
import type { ExecutionGraph } from "../../compiler/validate/generated/types/graph.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";

const TOKEN = "test-token-0123456789";
const SECRET = "s3cr3t-Pa55word-42";

/** The fixture canary with a SCRIPT_RUN first that uses a secret (and prints it). */
const withScript = (run: string) => (text: string) =>
  text.replace(
    "      - id: canary-rollout\n",
    `      - id: migrate
        name: SCRIPT_RUN
        with:
          run: ${JSON.stringify(run)}
          env:
            DB_PASSWORD: ${SECRET}
          onRollback: echo "rollback with $DB_PASSWORD"
      - id: canary-rollout
`,
  );

/** A copy of the graph, changed by `edit`, with its digest recomputed (unless `sign` is false). */
function mutate(graph: Graph, edit: (g: Graph) => void, sign = true): Graph {
  const g = structuredClone(graph);
  edit(g);
  if (sign) g.digest = graphDigest(g as unknown as ExecutionGraph);
  return g;
}

const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

/** One HTTP/1.1 request over a raw socket, so the Host header is exactly what we say. */
function rawRequest(port: number, host: string, method = "GET", path = "/api/deployments"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (c) => (data += c));
    socket.on("error", reject);
    socket.on("close", () => {
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf("\r\n\r\n") + 4) });
    });
    socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
}

describe("graph structure and nesting checks (pure functions)", () => {
  const graph = compileFixture("canary");

  test("a compiled graph has no structural problem", () => {
    assert.deepEqual(checkGraphStructure(graph), []);
    assert.equal(nestingBeyond(JSON.stringify(graph), 64), null);
  });

  test("each broken reference, duplicate id and loop is reported at its JSON path", () => {
    const cases: [string, (g: Graph) => void, string, RegExp][] = [
      ["main loop", (g) => (g.nodes[3].next = "canary-traffic"), "/nodes/3/next", /main path loops: canary-traffic → bake → primary-rollout → canary-traffic/],
      ["self loop", (g) => (g.nodes[0].next = "canary-rollout"), "/nodes/0/next", /loops/],
      ["rollback loop", (g) => (g.rollback[2].next = g.rollback[0].id), "/rollback/2/next", /rollback path loops/],
      ["dangling next", (g) => (g.nodes[2].next = "nope"), "/nodes/2/next", /next "nope" is not a node of the main path; it must be one of: "canary-rollout"/],
      ["dangling onFailure", (g) => (g.nodes[1].onFailure = "nope"), "/nodes/1/onFailure", /onFailure "nope" is not a node of the rollback path/],
      ["onFailure into the main path", (g) => (g.nodes[1].onFailure = "bake"), "/nodes/1/onFailure", /"bake" is on the main path/],
      ["next from main into rollback", (g) => (g.nodes[5].next = "rollback-traffic"), "/nodes/5/next", /"rollback-traffic" is on the rollback path/],
      ["missing entry", (g) => (g.entry = "nope"), "/entry", /entry "nope"/],
      ["entry on the rollback path", (g) => (g.entry = "rollback-clean"), "/entry", /entry "rollback-clean"/],
      ["duplicate id", (g) => (g.nodes[3].id = "canary-traffic"), "/nodes/3/id", /"canary-traffic" is used twice \(also \/nodes\/1\/id\)/],
      ["duplicate across paths", (g) => (g.rollback[0].id = "bake"), "/rollback/0/id", /"bake" is used twice/],
      ["rollback onFailure", (g) => (g.rollback[0].onFailure = "rollback-clean"), "/rollback/0/onFailure", /cannot have an onFailure/],
    ];
    for (const [name, edit, path, message] of cases) {
      const problems = checkGraphStructure(mutate(graph, edit, false));
      assert.ok(problems.length > 0, `${name}: no problem found`);
      assert.equal(problems[0].path, path, name);
      assert.match(problems[0].message, message, name);
    }
  });

  test("nesting beyond the limit is found in the raw text, with its JSON pointer, without recursion", () => {
    assert.equal(nestingBeyond('{"a":[1,{"b/c~":[[{"x":1}]]}]}', 4), "/a/1/b~1c~0/0");
    assert.equal(nestingBeyond('{"a":[1,{"b/c~":[[{"x":1}]]}]}', 6), null);
    assert.equal(nestingBeyond('["[[[[", "\\"[[[", {"k": "]]]"}]', 2), null, "brackets inside strings do not count");
    assert.equal(nestingBeyond(deep(100_000), 64), "/0".repeat(64));
  });
});

describe("secret values never leave the process (pure functions)", () => {
  test("redactGraph keeps names, replaces script env and HTTP header values; maskSecrets masks output", () => {
    const graph = compileFixture("canary", { editApp: withScript("echo hi") });
    const analysis = { ...graph.nodes[1], id: "http", stage: "ANALYSIS" as const, params: { durationMs: 1, http: [{ url: "http://x", headers: [{ key: "Authorization", value: "Bearer abcdef" }] }] } };
    const g: Graph = { ...graph, nodes: [...graph.nodes, analysis] };
    const r = redactGraph(g);
    const text = JSON.stringify(r);
    assert.ok(!text.includes(SECRET) && !text.includes("Bearer abcdef"), text);
    assert.deepEqual(r.nodes.find((n) => n.id === "migrate")!.params.env, { DB_PASSWORD: "***" });
    assert.deepEqual(r.rollback.find((n) => n.id === "rollback-migrate")!.params.env, { DB_PASSWORD: "***" });
    assert.deepEqual(r.nodes.find((n) => n.id === "http")!.params.http[0].headers, [{ key: "Authorization", value: "***" }]);
    assert.equal(g.nodes[0].params.env.DB_PASSWORD, SECRET, "the graph the executor runs keeps its values");
    assert.equal(maskSecrets(`pw=${SECRET} short=on`, [SECRET, "on", `${SECRET}-x`]), "pw=*** short=on");
  });
});

describe("Host header policy (pure function)", () => {
  test("loopback: only loopback names and allowedHosts; elsewhere: any, or allowedHosts and IP literals", () => {
    const loop = { bindHostname: "127.0.0.1" };
    for (const h of ["127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]:80"]) assert.ok(hostAllowed(loop, h), h);
    for (const h of ["evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil.example", "10.0.0.1"]) assert.ok(!hostAllowed(loop, h), h);
    assert.ok(hostAllowed({ ...loop, allowedHosts: ["Kanaria.internal"] }, "kanaria.internal:443"));
    assert.ok(hostAllowed({ bindHostname: "0.0.0.0" }, "evil.example"));
    const listed = { bindHostname: "0.0.0.0", allowedHosts: ["kanaria.example"] };
    assert.ok(hostAllowed(listed, "kanaria.example:8080") && hostAllowed(listed, "10.1.2.3:8080") && hostAllowed(listed, "[fe80::1]:80"));
    assert.ok(!hostAllowed(listed, "evil.example"));
  });
});

describe("HTTP API hardening (real server)", () => {
  let sim: Simulator;
  let rt: Runtime;
  let server: RunningServer;
  let good: Graph;
  const post = (path: string, body: unknown, token: string | null = TOKEN) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  before(async () => {
    sim = await startSim();
    rt = await simRuntime(sim);
    server = await serve(createApp(rt, { token: TOKEN }).fetch);
    good = compileFixture("canary", { targetGroups: targetGroupArns(sim) });
  });
  after(async () => {
    await server.close();
    await rt.close();
    await sim.close();
  });

  test("POST /api/deployments: every broken graph is 400/422 {error, message, path}, never 500", { timeout: 120_000 }, async () => {
    const cases: [string, string, number, string, string | RegExp][] = [
      ["cycle", JSON.stringify(mutate(good, (g) => (g.nodes[3].next = "canary-traffic"))), 422, "invalid_graph_structure", "/nodes/3/next"],
      ["rollback cycle", JSON.stringify(mutate(good, (g) => (g.rollback[2].next = g.rollback[0].id))), 422, "invalid_graph_structure", "/rollback/2/next"],
      ["dangling next", JSON.stringify(mutate(good, (g) => (g.nodes[2].next = "nope"))), 422, "invalid_graph_structure", "/nodes/2/next"],
      ["dangling onFailure", JSON.stringify(mutate(good, (g) => (g.nodes[1].onFailure = "nope"))), 422, "invalid_graph_structure", "/nodes/1/onFailure"],
      ["missing entry", JSON.stringify(mutate(good, (g) => (g.entry = "nope"))), 422, "invalid_graph_structure", "/entry"],
      ["duplicate ids", JSON.stringify(mutate(good, (g) => (g.nodes[3].id = "canary-traffic"))), 422, "invalid_graph_structure", "/nodes/3/id"],
      ["100k-deep array in params", JSON.stringify(good).replace('"params":{', `"params":{"x":${deep(100_000)},`), 422, "too_deep", /^\/nodes\/0\/params\/x(\/0){60}$/],
      ["100k-deep body", deep(100_000), 422, "too_deep", /^(\/0){64}$/],
      ["digest not recomputed", JSON.stringify(mutate(good, (g) => (g.app.name = "tampered"), false)), 422, "digest_mismatch", "/digest"],
      ["forged digest", JSON.stringify({ ...good, digest: `sha256:${"0".repeat(64)}` }), 422, "digest_mismatch", "/digest"],
      ["schema: unknown key", JSON.stringify(mutate(good, (g) => ((g.nodes[0] as any).bogus = 1))), 422, "invalid_graph", "/nodes/0/bogus"],
      ["schema: missing entry", JSON.stringify(mutate(good, (g) => delete (g as any).entry)), 422, "invalid_graph", "/entry"],
      ["not JSON", "{not json", 400, "invalid_json", ""],
    ];
    for (const [name, body, status, error, path] of cases) {
      const r = await post("/api/deployments", body);
      const b = await r.json();
      assert.equal(r.status, status, `${name}: ${JSON.stringify(b).slice(0, 300)}`);
      assert.equal(b.error, error, name);
      assert.equal(typeof b.message, "string", name);
      assert.ok(b.message.length > 20, name);
      if (typeof path === "string") assert.equal(b.path, path, name);
      else assert.match(b.path, path, name);
    }
    // Nothing broken was queued, and the server still takes a good graph.
    assert.deepEqual(await rt.store.listDeployments(), []);
    const ok = await post("/api/deployments", good);
    assert.equal(ok.status, 201, await ok.clone().text());
    assert.equal((await rt.scheduler.wait((await ok.json()).id)).state, "SUCCEEDED");
  });

  test("the runtime refuses a broken graph itself too (in-process submit)", async () => {
    await assert.rejects(
      () => rt.submit(mutate(good, (g) => (g.nodes[3].next = "canary-traffic"))),
      (e: unknown) => e instanceof SubmitError && e.status === 422 && e.path === "/nodes/3/next",
    );
  });

  test("SSE: Last-Event-ID beyond the last event still ends when the deployment ends; a non-numeric one is 400", { timeout: 120_000 }, async () => {
    // A bake long enough to still be running when the stream is opened; cancelling ends it.
    const graph = mutate(compileFixture("canary", { targetGroups: targetGroupArns(sim), image: "public.ecr.aws/nginx/nginx:1.27-sse" }), (g) => {
      g.nodes[2].params.durationMs = 36_000_000; // 2 minutes of real time at the tests' time scale
      g.nodes[2].timeoutMs = g.timeoutMs = 72_000_000;
    });
    const created = await post("/api/deployments", graph);
    assert.equal(created.status, 201);
    const { id } = await created.json();
    await until("the bake to run", async () => (await rt.store.getNode(id, "bake"))?.state === "RUNNING");

    const ahead = await fetch(`${server.url}/api/deployments/${id}/events`, { headers: { "last-event-id": "999999999999" } });
    assert.equal(ahead.status, 200);
    const history = await rt.store.listEvents(id); // event ids are store-wide, not per deployment
    const fromMiddle = await fetch(`${server.url}/api/deployments/${id}/events`, { headers: { "last-event-id": String(history[1].id) } });
    const read = async (res: Response) => {
      const ids: number[] = [];
      for await (const m of readSse(res.body!)) ids.push(Number(m.id));
      return ids;
    };
    const aheadIds = read(ahead);
    const middleIds = read(fromMiddle);
    assert.equal((await post(`/api/deployments/${id}/cancel`, {})).status, 202);
    assert.equal((await rt.scheduler.wait(id)).state, "CANCELLED");
    assert.deepEqual(await aheadIds, [], "nothing is beyond 999999999999, and the stream ended with the deployment");
    const ids = await middleIds;
    assert.equal(ids[0], history[2].id, "history resumes right after Last-Event-ID");
    assert.ok(ids.every((v, i) => i === 0 || v > ids[i - 1]));

    // Finished: the stream ends at once, whatever the id.
    const done = await fetch(`${server.url}/api/deployments/${id}/events`, { headers: { "last-event-id": "999999999999" } });
    assert.deepEqual(await read(done), []);

    for (const [header, query] of [["abc", ""], ["-1", ""], ["1.5", ""], [null, "?after=abc"]] as const) {
      const r = await fetch(`${server.url}/api/deployments/${id}/events${query}`, { headers: header === null ? {} : { "last-event-id": header } });
      assert.equal(r.status, 400, `${header} ${query}`);
      const b = await r.json();
      assert.equal(b.error, "invalid_last_event_id");
      assert.match(b.message, /non-negative integer/);
    }
  });

  test("SCRIPT_RUN env values: '***' in the API, SSE, status page and log; the script still gets them", { timeout: 120_000 }, async () => {
    const graph = compileFixture("canary", {
      targetGroups: targetGroupArns(sim),
      image: "public.ecr.aws/nginx/nginx:1.27-secret",
      editApp: withScript('echo "connecting with $DB_PASSWORD"; echo "length $(printf %s "$DB_PASSWORD" | wc -c)"'),
    });
    const { id } = await (await post("/api/deployments", graph)).json();
    assert.equal((await rt.scheduler.wait(id)).state, "SUCCEEDED");
    const detail = await (await fetch(`${server.url}/api/deployments/${id}`)).json();
    assert.deepEqual(detail.graph.nodes.find((n: any) => n.id === "migrate").params.env, { DB_PASSWORD: "***" });
    assert.deepEqual(detail.graph.rollback.find((n: any) => n.id === "rollback-migrate").params.env, { DB_PASSWORD: "***" });
    assert.deepEqual((await rt.store.getDeployment(id))!.graph.nodes[0].params, graph.nodes[0].params, "the store keeps what the executor needs");
    const events = await (await fetch(`${server.url}/api/deployments/${id}/events`)).text();
    assert.match(events, /connecting with \*\*\*/);
    assert.match(events, new RegExp(`length\\s*${SECRET.length}\\b`), "the script ran with the real value");
    const views = {
      detail: JSON.stringify(detail),
      events,
      list: await (await fetch(`${server.url}/api/deployments`)).text(),
      page: await (await fetch(`${server.url}/deployments/${id}`)).text(),
      live: await (await fetch(`${server.url}/deployments/${id}/live`)).text(),
      home: await (await fetch(`${server.url}/`)).text(),
      metrics: await (await fetch(`${server.url}/metrics`)).text(),
    };
    for (const [name, text] of Object.entries(views)) assert.ok(!text.includes(SECRET), `${name} shows the secret`);
    assert.match(views.page, /connecting with \*\*\*/);

    // A failing script: its output tail becomes the error, masked too.
    const failing = compileFixture("canary", {
      targetGroups: targetGroupArns(sim),
      image: "public.ecr.aws/nginx/nginx:1.27-secret-fails",
      editApp: withScript('echo "cannot log in with $DB_PASSWORD"; exit 3'),
    });
    const { id: failed } = await (await post("/api/deployments", failing)).json();
    const final = await rt.scheduler.wait(failed);
    assert.equal(final.state, "ROLLED_BACK");
    const failedDetail = await (await fetch(`${server.url}/api/deployments/${failed}`)).text();
    assert.match(failedDetail, /cannot log in with \*\*\*/);
    const failedEvents = await (await fetch(`${server.url}/api/deployments/${failed}/events`)).text();
    assert.match(failedEvents, /rollback with \*\*\*/, "the rollback script ran, masked");
    for (const text of [failedDetail, failedEvents, await (await fetch(`${server.url}/deployments/${failed}`)).text()]) assert.ok(!text.includes(SECRET));
  });

  test("Host: loopback names are answered, any other name gets 421 with JSON (before auth)", async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`, "localhost"]) {
      const r = await rawRequest(server.port, host);
      assert.equal(r.status, 200, host);
    }
    for (const [method, path] of [["GET", "/api/deployments"], ["GET", "/"], ["GET", "/healthz"], ["POST", "/api/deployments"]]) {
      const r = await rawRequest(server.port, `rebind.evil.example:${server.port}`, method, path);
      assert.equal(r.status, 421, `${method} ${path}`);
      const b = JSON.parse(r.body);
      assert.equal(b.error, "host_not_allowed");
      assert.match(b.message, /"rebind\.evil\.example".*server\.allowedHosts/);
    }
  });

  test("Host: allowedHosts adds names; bound to a non-loopback address any Host is answered", async () => {
    const withNames = await serve(createApp(rt, { token: TOKEN, host: { bindHostname: "127.0.0.1", allowedHosts: ["kanaria.internal"] } }).fetch);
    // The policy is what matters here: the app is told it listens on all interfaces (the test
    // itself only ever listens on, and connects to, 127.0.0.1).
    const open = await serve(createApp(rt, { token: TOKEN, host: { bindHostname: "0.0.0.0" } }).fetch);
    try {
      assert.equal((await rawRequest(withNames.port, "kanaria.internal:443")).status, 200);
      assert.equal((await rawRequest(withNames.port, "other.internal")).status, 421);
      assert.equal((await rawRequest(open.port, "anything.example")).status, 200);
    } finally {
      await withNames.close();
      await open.close();
    }
  });
});

// ---- kanaria serve + kanaria deploy --server, as processes --------------------------------

const isDeno = typeof (globalThis as any).Deno !== "undefined";

function startCli(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number> } {
  const [cmd, pre] = isDeno ? [`${ROOT}node_modules/.bin/deno`, ["run", "--allow-all", "--no-check"]] : [`${ROOT}node_modules/.bin/bun`, []];
  const child = spawn(cmd, [...pre, `${ROOT}bin/kanaria.ts`, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", AWS_ACCESS_KEY_ID: "sim", AWS_SECRET_ACCESS_KEY: "sim", AWS_REGION: "us-east-1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (out += c));
  const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  return { child, output: () => out, exited };
}

describe("kanaria deploy --server while the server goes away", () => {
  let sim: Simulator;
  let dir: string;
  const NODES = ["migrate", "canary-rollout", "canary-traffic", "bake", "primary-rollout", "primary-traffic", "canary-clean"];

  before(async () => {
    sim = await startSim();
    dir = tempDir("kanaria-reconnect-");
    writeFileSync(join(dir, "server-token"), TOKEN);
    writeFileSync(
      join(dir, "runtime.yaml"),
      `apiVersion: kanaria.dev/v1alpha1
kind: Runtime
spec:
  platformProviders:
    - name: sim
      type: ECS
      config:
        region: us-east-1
        endpoints: { ecs: "${sim.url}", elbv2: "${sim.url}" }
  server:
    tokenFile: server-token
    allowedHosts: [kanaria.test]
`,
    );
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The fixture app in its own folder: a script first, a real-time bake long enough to kill the server in. */
  function app(name: string): string {
    const appDir = join(dir, name);
    mkdirSync(appDir);
    for (const f of ["servicedef.yaml", "taskdef.yaml"]) writeFileSync(join(appDir, f), readFileSync(join(FIXTURES, "canary", f)));
    const text = withScript('echo "connecting with $DB_PASSWORD"')(readFileSync(join(FIXTURES, "canary", "app.pipecd.yaml"), "utf8"))
      .replace("duration: 30s", "duration: 15s")
      .replace(/name: web-canary/, `name: ${name}`);
    writeFileSync(join(appDir, "app.pipecd.yaml"), text);
    return appDir;
  }

  async function startServer(port: number, data: string) {
    const s = startCli(["serve", "--config", join(dir, "runtime.yaml"), "--address", `127.0.0.1:${port}`, "--data", data]);
    await until(`kanaria serve on ${port}\n${s.output()}`, async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 60_000);
    return s;
  }

  async function waitForBake(url: string): Promise<string> {
    return until("the deployment to reach its bake", async () => {
      const [d] = ((await (await fetch(`${url}/api/deployments`)).json()) as { deployments: { id: string; currentNode: string }[] }).deployments;
      return d?.currentNode === "bake" ? d.id : null;
    });
  }

  test("killed mid-deployment and restarted on the same --data: deploy carries on, every step printed once, exit 0", { timeout: 240_000 }, async () => {
    await sim.reset();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const data = join(dir, "data-restart");
    let server = await startServer(port, data);
    // allowedHosts from the runtime config reaches the server.
    assert.equal((await rawRequest(port, "kanaria.test")).status, 200);
    assert.equal((await rawRequest(port, "evil.example")).status, 421);

    const deploy = startCli(["deploy", app("web-restart"), "--server", url, "--token-file", join(dir, "server-token"), "--verbose"]);
    const id = await waitForBake(url);
    server.child.kill("SIGKILL");
    await server.exited;
    await new Promise((r) => setTimeout(r, 3000)); // the server stays down a while
    server = await startServer(port, data);
    try {
      const code = await deploy.exited;
      const out = deploy.output();
      assert.equal(code, 0, out);
      assert.match(out, /lost the event stream from http:\/\/127\.0\.0\.1:\d+ .*reconnecting/);
      assert.match(out, /reconnected to http:\/\/127\.0\.0\.1/);
      const steps = out.split("\n").filter((l) => /^\s+[\d.]+s\s+\S+\s+.*\b(RUNNING|RESUMED|SUCCEEDED|FAILED)\b/.test(l));
      for (const node of NODES) {
        const lines = steps.filter((l) => l.trim().split(/\s+/)[1] === node);
        assert.equal(lines.filter((l) => /\bSUCCEEDED\b/.test(l)).length, 1, `${node} SUCCEEDED once:\n${out}`);
        assert.equal(lines.filter((l) => /\bRUNNING\b/.test(l)).length, 1, `${node} RUNNING once:\n${out}`);
      }
      assert.match(out, /bake\s+WAIT\s+RESUMED/, "the restarted server resumed the bake");
      assert.equal(steps.filter((l) => /^\s+[\d.]+s\s+deployment\s+SUCCEEDED/.test(l)).length, 1);
      assert.equal(new Set(steps).size, steps.length, "no line printed twice");
      assert.match(out, /connecting with \*\*\*/);
      assert.ok(!out.includes(SECRET), "kanaria deploy never prints the env value");
      const final = await (await fetch(`${url}/api/deployments/${id}`)).json();
      assert.equal(final.state, "SUCCEEDED");
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });

  test("a stream closed after every event (a proxy's limit) is reopened as often as needed, exit 0", { timeout: 240_000 }, async () => {
    await sim.reset();
    const rt = await simRuntime(sim);
    const upstream = await serve(createApp(rt, { token: TOKEN }).fetch);
    let streams = 0;
    // Passes everything through, but ends each event stream normally after its first event.
    const proxy = await serve(async (req) => {
      const u = new URL(req.url);
      const headers = new Headers(req.headers);
      headers.delete("host");
      const res = await fetch(`${upstream.url}${u.pathname}${u.search}`, { method: req.method, headers, ...(req.method === "POST" ? { body: await req.text() } : {}) });
      if (!u.pathname.endsWith("/events") || !res.ok) return new Response(await res.text(), { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "" } });
      streams++;
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      let cut = -1;
      while (cut < 0) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        const event = /(^|\n)id: \d+\n\n/.exec(text);
        if (event) cut = event.index + event[0].length;
      }
      await reader.cancel();
      return new Response(cut < 0 ? text : text.slice(0, cut), { headers: { "content-type": "text/event-stream" } });
    });
    try {
      const deploy = startCli(["deploy", app("web-proxy"), "--server", proxy.url, "--token-file", join(dir, "server-token")]);
      const code = await deploy.exited;
      const out = deploy.output();
      assert.equal(code, 0, out);
      assert.ok(streams > 20, `the stream was reopened ${streams} times`);
      assert.doesNotMatch(out, /lost the event stream/, "a normal close is not a failure");
      const steps = out.split("\n").filter((l) => /^\s+[\d.]+s\s+\S+\s+.*\b(RUNNING|SUCCEEDED)\b/.test(l));
      for (const node of NODES) {
        const lines = steps.filter((l) => l.trim().split(/\s+/)[1] === node);
        assert.deepEqual(
          lines.map((l) => /\b(RUNNING|SUCCEEDED)\b/.exec(l)![1]),
          ["RUNNING", "SUCCEEDED"],
          `${node}:\n${out}`,
        );
      }
      assert.equal(new Set(steps).size, steps.length, "no line printed twice");
    } finally {
      await proxy.close();
      await upstream.close();
      await rt.close();
    }
  });

  test("a server that never comes back: exit 2 with a message naming it", { timeout: 240_000 }, async () => {
    await sim.reset();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = await startServer(port, join(dir, "data-gone"));
    const deploy = startCli(["deploy", app("web-gone"), "--server", url, "--token-file", join(dir, "server-token"), "--reconnect-timeout", "2s"]);
    await waitForBake(url);
    server.child.kill("SIGKILL");
    await server.exited;
    const code = await deploy.exited;
    const out = deploy.output();
    assert.equal(code, 2, out);
    assert.match(out, new RegExp(`Cannot reach the server at ${url.replaceAll(".", "\\.")} for \\S+ \\(.*\\); giving up`));
    assert.doesNotMatch(out, /internal error/);
  });
});
