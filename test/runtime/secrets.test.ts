// Secrets (spec.encryption) and attachments (spec.attachment) from the outside: a secret
// encrypted here with node:crypto in PipeCD's layout (written independently of Kanaria's
// decryption) is deployed with `kanaria deploy` and through `kanaria serve`, both against the
// simulator; the registered task definition, read back with the real SDK, holds the plaintext,
// and no byte of it is in the store, the CLI output, the compiled graph or any API response.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { constants, createCipheriv, createDecipheriv, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { cliCommand, runCli, startCli, until } from "../helpers/cli.ts";
import { freePort } from "../helpers/net.ts";
import { CREDENTIALS, FIXTURES, SIM_AWS_ENV, simRuntime, startSim, targetGroupArns, tempDir } from "./helpers.ts";
import { createApp } from "../../runtime/server/app.ts";
import { serve, type RunningServer } from "../../runtime/platform/index.ts";
import { SecretKeyring } from "../../runtime/secrets/keyring.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";

/** PipeCD's hybrid format, as its Go code lays it out: len(rsa) BE16 ‖ RSA-OAEP-SHA256(key) ‖ AES-256-GCM(text, zero nonce) ‖ tag. */
function pipecdEncrypt(publicPem: string, text: string): string {
  const key = randomBytes(32);
  const rsa = publicEncrypt({ key: publicPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, key);
  const cipher = createCipheriv("aes-256-gcm", key, Buffer.alloc(12));
  const sealed = Buffer.concat([cipher.update(text, "utf8"), cipher.final(), cipher.getAuthTag()]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(rsa.length);
  return Buffer.concat([len, rsa, sealed]).toString("base64");
}

function pipecdDecrypt(privatePem: string, b64: string): string {
  const bytes = Buffer.from(b64, "base64");
  const n = bytes.readUInt16BE(0);
  const key = privateDecrypt({ key: privatePem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, bytes.subarray(2, 2 + n));
  const body = bytes.subarray(2 + n);
  const d = createDecipheriv("aes-256-gcm", key, Buffer.alloc(12));
  d.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]).toString("utf8");
}

function keyPair() {
  return generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
}

/** Every file under `dir` (the store, its WAL and journal files) that holds `needle`. */
function filesHolding(dir: string, needle: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesHolding(p, needle));
    else if (readFileSync(p).includes(Buffer.from(needle))) out.push(p);
  }
  return out;
}

const CONFIG_SOURCE = (ref: string) => `database:\n  user: web\n  password: "${ref}"\n`;

describe("secrets and attachments against the simulator", () => {
  const dir = tempDir("kanaria-secrets-");
  const keys = keyPair();
  const plaintext = `pw-${randomBytes(12).toString("hex")}`;
  const ciphertext = pipecdEncrypt(keys.publicKey, plaintext);
  const appDir = join(dir, "repo", "app");
  let sim: Simulator;
  let ecs: ECSClient;
  /** Notifications `kanaria serve` sends (a webhook receiver on this process). */
  let receiver: RunningServer;
  const notified: unknown[] = [];

  /** The app (canary fixture) with a secret in an env var and an attached config that carries it too. */
  function writeApp(name: string) {
    mkdirSync(appDir, { recursive: true });
    mkdirSync(join(dir, "repo", ".git"), { recursive: true });
    const arns = targetGroupArns(sim);
    const app = readFileSync(join(FIXTURES, "canary", "app.pipecd.yaml"), "utf8")
      .replace("name: web-canary", `name: ${name}`)
      .replace(/arn:aws:elasticloadbalancing:[^\s]*:targetgroup\/([A-Za-z0-9-]+)\/[0-9a-f]+/g, (m, tg) => arns.get(tg) ?? m);
    writeFileSync(
      join(appDir, "app.pipecd.yaml"),
      `${app}  encryption:\n    encryptedSecrets:\n      dbPassword: ${ciphertext}\n    decryptionTargets:\n      - taskdef.yaml\n      - config.yaml\n  attachment:\n    sources:\n      config: config.yaml\n    targets:\n      - taskdef.yaml\n`,
    );
    writeFileSync(join(appDir, "servicedef.yaml"), readFileSync(join(FIXTURES, "canary", "servicedef.yaml")));
    writeFileSync(
      join(appDir, "taskdef.yaml"),
      `${readFileSync(join(FIXTURES, "canary", "taskdef.yaml"), "utf8")}    environment:\n      - name: DB_PASSWORD\n        value: "{{ .encryptedSecrets.dbPassword }}"\n      - name: APP_CONFIG\n        value: "{{ .attachment.config }}"\n`,
    );
    writeFileSync(join(appDir, "config.yaml"), CONFIG_SOURCE("{{ .encryptedSecrets.dbPassword }}"));
  }

  function writeRuntimeConfig(file: string, o: { privateKey?: string; store?: string } = {}) {
    writeFileSync(join(dir, "server-token"), "secrets-test-token-0123456789");
    writeFileSync(
      file,
      `apiVersion: kanaria.dev/v1alpha1
kind: Runtime
spec:
  platformProviders:
    - name: simulator
      type: ECS
      config:
        region: us-east-1
        endpoints: { ecs: "${sim.url}", elbv2: "${sim.url}" }
  server:
    tokenFile: server-token
  notifications:
    routes:
      - name: all
        receiver: hook
    receivers:
      - name: hook
        webhook:
          url: ${receiver.url}/hook
${o.privateKey ? `  secretManagement:\n    type: KEY_PAIR\n    config:\n      privateKeyFile: ${o.privateKey}\n      publicKeyFile: public-key\n` : ""}`,
    );
  }

  async function registeredEnv(): Promise<Record<string, string>> {
    const r = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "web" }));
    const env = r.taskDefinition?.containerDefinitions?.[0]?.environment ?? [];
    return Object.fromEntries(env.map((e) => [String(e.name), String(e.value)]));
  }

  before(async () => {
    sim = await startSim();
    receiver = await serve(async (req) => {
      notified.push(await req.json());
      return new Response("ok");
    });
    ecs = new ECSClient({ region: "us-east-1", endpoint: sim.url, credentials: CREDENTIALS });
    writeFileSync(join(dir, "private-key"), keys.privateKey);
    writeFileSync(join(dir, "public-key"), keys.publicKey);
    writeRuntimeConfig(join(dir, "runtime.yaml"), { privateKey: "private-key" });
  });
  after(async () => {
    ecs?.destroy();
    await receiver?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("kanaria encrypt: stdin in, PipeCD's layout out (node:crypto decrypts it); a bad key or empty input is exit 2", () => {
    const [cmd, args] = cliCommand(["encrypt", "--public-key", join(dir, "public-key")]);
    const r = spawnSync(cmd, args, { input: "correct horse battery staple\n", encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /horse/);
    assert.equal(pipecdDecrypt(keys.privateKey, r.stdout.trim()), "correct horse battery staple");
    const viaConfig = spawnSync(...cliCommand(["encrypt", "--config", join(dir, "runtime.yaml")]), { input: "über-secret", encoding: "utf8" });
    assert.equal(viaConfig.status, 0, viaConfig.stderr);
    assert.equal(pipecdDecrypt(keys.privateKey, viaConfig.stdout.trim()), "über-secret");
    const wrongKey = spawnSync(...cliCommand(["encrypt", "--public-key", join(dir, "private-key")]), { input: "x", encoding: "utf8" });
    assert.equal(wrongKey.status, 2);
    assert.match(wrongKey.stderr, /must be a PEM block "-----BEGIN PUBLIC KEY-----", not "PRIVATE KEY"/);
    const empty = spawnSync(...cliCommand(["encrypt", "--public-key", join(dir, "public-key")]), { input: "", encoding: "utf8" });
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /nothing on stdin/);
  });

  test("a private key file that is not a PKCS#8 private key stops kanaria serve at start (exit 2), naming the file", () => {
    const config = join(dir, "bad-key-runtime.yaml");
    writeRuntimeConfig(config, { privateKey: "public-key" });
    const r = runCli(["serve", "--config", config, "--data", join(dir, "bad-key-data")]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /secretManagement\.config\.privateKeyFile .*public-key: The private key must be a PEM block "-----BEGIN PRIVATE KEY-----", not "PUBLIC KEY"/);
  });

  test("compile: the graph carries the ciphertext and the attached file, never the plaintext", () => {
    writeApp("web-secrets-compile");
    const out = join(dir, "graph.json");
    const r = runCli(["compile", appDir, "--format", "json", "--out", out]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const text = readFileSync(out, "utf8");
    assert.ok(!text.includes(plaintext), "no plaintext in the graph");
    const graph = JSON.parse(text);
    assert.deepEqual(graph.secrets, { dbPassword: ciphertext });
    const env = graph.target.taskDefinition.containerDefinitions[0].environment;
    assert.deepEqual(env, [
      { name: "DB_PASSWORD", value: "{{ .encryptedSecrets.dbPassword }}" },
      { name: "APP_CONFIG", value: CONFIG_SOURCE("{{ .encryptedSecrets.dbPassword }}") },
    ]);
  });

  test("kanaria deploy: ECS gets the plaintext; the store and the output never see it", async () => {
    writeApp("web-secrets-local");
    const data = join(dir, "deploy-data");
    const run = startCli(["deploy", appDir, "--config", join(dir, "runtime.yaml"), "--data", data, "--time-scale", String(sim.state.clock.timeScale)], { env: SIM_AWS_ENV });
    const code = await run.exited;
    assert.equal(code, 0, run.output());
    assert.match(run.output(), /deployment\s+SUCCEEDED/);
    assert.ok(!run.output().includes(plaintext), "no plaintext in kanaria deploy's output");
    const env = await registeredEnv();
    assert.equal(env.DB_PASSWORD, plaintext);
    assert.equal(env.APP_CONFIG, CONFIG_SOURCE(plaintext));
    assert.deepEqual(filesHolding(data, plaintext), []);
    assert.ok(filesHolding(data, ciphertext.slice(0, 40)).length > 0, "the store does hold the ciphertext (the search works)");
  });

  test("kanaria serve: the submitted graph is decrypted by the runtime; no API response, page, event or store file holds the plaintext", async () => {
    writeApp("web-secrets-served");
    const data = join(dir, "serve-data");
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = startCli(["serve", "--config", join(dir, "runtime.yaml"), "--address", `127.0.0.1:${port}`, "--data", data, "--time-scale", String(sim.state.clock.timeScale)], { env: SIM_AWS_ENV });
    try {
      await until("kanaria serve to answer /healthz", async () => (await fetch(`${url}/healthz`)).ok || null, 60_000);
      const before = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "web" }))).taskDefinition?.revision ?? 0;
      const deploy = startCli(["deploy", appDir, "--server", url, "--token-file", join(dir, "server-token")]);
      assert.equal(await deploy.exited, 0, deploy.output());
      assert.ok(!deploy.output().includes(plaintext), "no plaintext in kanaria deploy --server's output");
      const after = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "web" }));
      assert.ok((after.taskDefinition?.revision ?? 0) > before, "a new revision was registered");
      assert.equal((await registeredEnv()).DB_PASSWORD, plaintext);

      const list = (await (await fetch(`${url}/api/deployments`)).json()) as { deployments: { id: string }[] };
      const id = list.deployments[0].id;
      const seen: string[] = [];
      for (const path of ["/api/deployments", `/api/deployments/${id}`, `/api/deployments/${id}/events`, "/", `/deployments/${id}`, `/deployments/${id}/live`, "/metrics", "/healthz"]) {
        const r = await fetch(`${url}${path}`);
        assert.equal(r.status, 200, path);
        const body = await r.text();
        seen.push(path);
        assert.ok(!body.includes(plaintext), `plaintext in ${path}`);
      }
      const detail = await (await fetch(`${url}/api/deployments/${id}`)).json();
      assert.equal(detail.state, "SUCCEEDED");
      assert.equal(detail.graph.secrets.dbPassword, ciphertext, "the API shows the ciphertext the graph carries");
      await until("the served deployment's DEPLOYMENT_SUCCEEDED notification", () => notified.some((n) => JSON.stringify(n).includes("DEPLOYMENT_SUCCEEDED") && JSON.stringify(n).includes("web-secrets-served")) || null);
      assert.ok(!JSON.stringify(notified).includes(plaintext), "no plaintext in notifications");
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    assert.ok(!server.output().includes(plaintext), "no plaintext in kanaria serve's log");
    assert.deepEqual(filesHolding(data, plaintext), []);
  });

  test("a runtime without the key refuses the graph (422); one with another key fails the deployment naming the secret", async () => {
    writeApp("web-secrets-nokey");
    const graph = JSON.parse(runCli(["compile", appDir, "--format", "json"]).stdout).apps[0].graph;
    const noKey = await simRuntime(sim);
    const server = await serve(createApp(noKey, { token: "secrets-test-token-0123456789" }).fetch);
    try {
      const r = await fetch(`${server.url}/api/deployments`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer secrets-test-token-0123456789" }, body: JSON.stringify(graph) });
      assert.equal(r.status, 422);
      const body = await r.json();
      assert.equal(body.error, "secrets_unavailable");
      assert.match(body.message, /no secretManagement key pair/);
    } finally {
      await server.close();
      await noKey.close();
    }
    const other = keyPair();
    const wrongKey = await simRuntime(sim, { secrets: new SecretKeyring("other-private-key", () => other.privateKey) });
    try {
      const d = await wrongKey.submit(graph);
      const final = await wrongKey.scheduler.wait(d.id);
      assert.equal(final.state, "FAILED");
      assert.match(final.error ?? "", /^Cannot decrypt the secret "dbPassword" with other-private-key: the private key cannot decrypt it/);
      assert.deepEqual(await wrongKey.store.listJournal(d.id), [], "no AWS call was made");
    } finally {
      await wrongKey.close();
    }
  });

  test("an AWS error that quotes the value is masked before the journal, the store and the events see it", async () => {
    writeApp("web-secrets-echo");
    const graph = JSON.parse(runCli(["compile", appDir, "--format", "json"]).stdout).apps[0].graph;
    // In front of the simulator: RegisterTaskDefinition is refused with an error that quotes its request, as a validation error may.
    let echoed = "";
    const proxy = await serve(async (req) => {
      const body = await req.text();
      if (req.headers.get("x-amz-target")?.endsWith(".RegisterTaskDefinition")) {
        echoed = body;
        return new Response(JSON.stringify({ __type: "ClientException", message: `Invalid container definition: ${body.slice(0, 2000)}` }), { status: 400, headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": "ClientException" } });
      }
      const headers = new Headers(req.headers);
      headers.delete("host");
      const r = await fetch(`${sim.url}${new URL(req.url).pathname}${new URL(req.url).search}`, { method: req.method, headers, body: req.method === "GET" ? undefined : body });
      return new Response(await r.arrayBuffer(), { status: r.status, headers: r.headers });
    });
    const data = join(dir, "echo-data");
    mkdirSync(data, { recursive: true });
    const rt = await simRuntime(sim, { endpoint: proxy.url, dataDir: data, secrets: new SecretKeyring("private-key", () => keys.privateKey) });
    try {
      const d = await rt.submit(graph);
      const final = await rt.scheduler.wait(d.id);
      assert.notEqual(final.state, "SUCCEEDED");
      assert.ok(echoed.includes(plaintext), "AWS (the proxy) got the plaintext");
      const seen = JSON.stringify([final, await rt.store.getNodes(d.id), await rt.store.listJournal(d.id), (await rt.store.listEvents(d.id))]);
      assert.match(seen, /Invalid container definition: .*\*\*\*/, "the error is recorded, with the value masked");
      assert.ok(!seen.includes(plaintext), "no plaintext in what the store returns");
    } finally {
      await rt.close();
      await proxy.close();
    }
    assert.deepEqual(filesHolding(data, plaintext), []);
  });
});
