// Drift detection of an app with an encrypted secret, against the simulator: with the runtime's
// key the secret's field is compared (a changed value is drift) and its value never appears in
// the result; without the key it is left out; a key that cannot decrypt it makes the app UNKNOWN.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateTaskSetCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand, UpdateServicePrimaryTaskSetCommand } from "@aws-sdk/client-ecs";
import { compile } from "../../compiler/compile.ts";
import { CREDENTIALS, FIXTURES, simRuntime, startSim, targetGroupArns, tempDir } from "../runtime/helpers.ts";
import { encryptSecret, importPublicKey } from "../../runtime/secrets/hybrid.ts";
import { SecretKeyring } from "../../runtime/secrets/keyring.ts";
import { detectDrift, driftClients, revealWith } from "../../runtime/gitops/drift/detect.ts";
import type { Graph } from "../../runtime/executor/graph.ts";
import type { Runtime } from "../../runtime/runtime.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";

const keyPair = () => generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });

describe("drift detection of an app with an encrypted secret", () => {
  const keys = keyPair();
  const keyring = new SecretKeyring("test-private-key.pem", () => keys.privateKey);
  const plaintext = `pw-${randomBytes(12).toString("hex")}`;
  let sim: Simulator;
  let rt: Runtime;
  let ecs: ECSClient;
  let graph: Graph;
  const detect = (o: Parameters<typeof detectDrift>[2] = {}) => detectDrift([{ key: "web", graph }], driftClients(rt.aws, rt.providers), o).then((r) => r.get("web")!);

  before(async () => {
    sim = await startSim();
    rt = await simRuntime(sim, { secrets: keyring });
    ecs = new ECSClient({ region: "us-east-1", endpoint: sim.url, credentials: CREDENTIALS });
    const dir = join(tempDir("kanaria-drift-secrets-"), "app");
    mkdirSync(dir, { recursive: true });
    const ciphertext = await encryptSecret(await importPublicKey(keys.publicKey), plaintext);
    const arns = targetGroupArns(sim);
    const app = readFileSync(join(FIXTURES, "canary", "app.pipecd.yaml"), "utf8").replace(/arn:aws:elasticloadbalancing:[^\s]*:targetgroup\/([A-Za-z0-9-]+)\/[0-9a-f]+/g, (m, tg) => arns.get(tg) ?? m);
    writeFileSync(join(dir, "app.pipecd.yaml"), `${app}  encryption:\n    encryptedSecrets:\n      dbPassword: ${ciphertext}\n    decryptionTargets:\n      - taskdef.yaml\n`);
    writeFileSync(join(dir, "servicedef.yaml"), readFileSync(join(FIXTURES, "canary", "servicedef.yaml")));
    writeFileSync(join(dir, "taskdef.yaml"), `${readFileSync(join(FIXTURES, "canary", "taskdef.yaml"), "utf8")}    environment:\n      - name: DB_PASSWORD\n        value: "{{ .encryptedSecrets.dbPassword }}"\n`);
    const r = compile({ appPath: join(dir, "app.pipecd.yaml"), readFile: (p) => readFileSync(p, "utf8") });
    assert.ok(r.graph, JSON.stringify(r.diagnostics));
    graph = r.graph;
    const final = await rt.scheduler.wait((await rt.submit(graph)).id);
    assert.equal(final.state, "SUCCEEDED", final.error ?? "");
  });
  after(async () => {
    ecs.destroy();
    await rt.close();
    await sim.close();
  });

  test("as deployed: SYNCED with the key (the plaintext matches) and without it (not compared)", async () => {
    assert.deepEqual(await detect({ reveal: revealWith(keyring) }), { state: "SYNCED", diff: [] });
    assert.deepEqual(await detect(), { state: "SYNCED", diff: [] });
  });

  test("the secret changed on ECS: OUT_OF_SYNC with the key, both values masked; not seen without the key", async () => {
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: "demo", services: ["web"] }))).services![0];
    const primary = svc.taskSets!.find((t) => t.status === "PRIMARY")!;
    const live = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: primary.taskDefinition }))).taskDefinition!;
    assert.ok(JSON.stringify(live).includes(plaintext), "ECS holds the plaintext Kanaria deployed");
    const { taskDefinitionArn, revision, status, registeredAt, registeredBy, compatibilities, requiresAttributes, ...body } = live as any;
    const containers = body.containerDefinitions.map((c: any) => ({ ...c, environment: [{ name: "DB_PASSWORD", value: "changed-by-hand" }] }));
    const td = (await ecs.send(new RegisterTaskDefinitionCommand({ ...body, containerDefinitions: containers }))).taskDefinition!;
    const set = (
      await ecs.send(
        new CreateTaskSetCommand({ cluster: "demo", service: "web", taskDefinition: td.taskDefinitionArn, launchType: primary.launchType, networkConfiguration: primary.networkConfiguration, loadBalancers: primary.loadBalancers, scale: { value: 100, unit: "PERCENT" } }),
      )
    ).taskSet!;
    await ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: "demo", service: "web", primaryTaskSet: set.taskSetArn }));

    const withKey = await detect({ reveal: revealWith(keyring) });
    assert.deepEqual(withKey, { state: "OUT_OF_SYNC", diff: [{ path: "taskDefinition.containerDefinitions[web].environment[DB_PASSWORD]", git: "(secret)", live: "(secret)" }] });
    const text = JSON.stringify(withKey);
    assert.ok(!text.includes(plaintext) && !text.includes("changed-by-hand"), text);
    assert.deepEqual(await detect(), { state: "SYNCED", diff: [] });
  });

  test("a key that cannot decrypt the secret: UNKNOWN, saying so without any secret text", async () => {
    const other = keyPair();
    const wrong = new SecretKeyring("other-key.pem", () => other.privateKey);
    const r = await detect({ reveal: revealWith(wrong) });
    assert.equal(r.state, "UNKNOWN");
    assert.match(r.reason ?? "", /encrypted secrets could not be decrypted: Cannot decrypt the secret "dbPassword" with other-key\.pem/);
    assert.ok(!JSON.stringify(r).includes(plaintext));
  });
});
