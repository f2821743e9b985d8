// `kanaria compile` on apps with spec.encryption / spec.attachment, as a process: each mistake
// is an error at its file, line and column, without any key; a correct app's graph holds the
// attached content and the ciphertext, and the attachment source outside the repository is
// never read.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";
import { DEFAULT_INPUT, EXAMPLE_CIPHERTEXT, SERVICEDEF, TASKDEF } from "../../compiler/rules/fixtures.ts";

const root = join(tmpdir(), `kanaria-secrets-compile-${process.pid}-${Date.now()}`);

function app(dir: string, files: Record<string, string>): string {
  const appDir = join(root, dir, "app");
  mkdirSync(join(root, dir, ".git"), { recursive: true });
  mkdirSync(appDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(appDir, name), text);
  return appDir;
}

const appFile = (extra: string) => `apiVersion: pipecd.dev/v1beta1
kind: ECSApp
spec:
  name: web
${DEFAULT_INPUT}${extra}`;

interface Diag {
  file: string;
  line: number;
  column: number;
  code: string;
  message: string;
}

function compileJson(dir: string): { code: number; diagnostics: Diag[]; graph: any } {
  const r = runCli(["compile", dir, "--format", "json"]);
  const out = JSON.parse(r.stdout);
  return { code: r.code, diagnostics: out.diagnostics, graph: out.apps[0]?.graph ?? null };
}

describe("kanaria compile: encryption and attachment", () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  test("every mistake is an error at its position, found without a key", () => {
    const dir = app("broken", {
      "app.pipecd.yaml": appFile(`  encryption:
    encryptedSecrets:
      dbPassword: ${EXAMPLE_CIPHERTEXT}
      apiKey: "plain-text-not-encrypted"
    decryptionTargets:
      - taskdef.yaml
      - servicedef.yml
  attachment:
    sources:
      config: config.json
      creds: ../../../etc/passwd
    targets:
      - taskdef.yaml
`),
      "servicedef.yaml": `${SERVICEDEF}tags:\n  - key: team\n    value: "{{ .encryptedSecrets.dbPassword }}"\n`,
      "taskdef.yaml": `${TASKDEF}    environment:\n      - name: A\n        value: "{{ .encryptedSecrets.dbPasword }}"\n      - name: B\n        value: "prefix {{ .attachment.confg }}"\n`,
      "config.json": '{"a": 1}\n',
    });
    const { code, diagnostics, graph } = compileJson(dir);
    assert.equal(code, 1);
    assert.equal(graph, null);
    const got = diagnostics.map((d) => `${d.file.slice(dir.length + 1)}:${d.line}:${d.column} ${d.code}`).sort();
    assert.deepEqual(got, [
      "app.pipecd.yaml:20:15 secret-ciphertext",
      "app.pipecd.yaml:23:9 decryption-target-unused",
      "app.pipecd.yaml:27:14 file-outside-repository",
      "servicedef.yaml:17:13 template-not-rendered",
      "taskdef.yaml:16:17 secret-unknown",
      "taskdef.yaml:18:24 attachment-unknown-source",
    ]);
    const unknown = diagnostics.find((d) => d.code === "secret-unknown")!;
    assert.match(unknown.message, /No encrypted secret named "dbPasword" .*\(there: dbPassword, apiKey\)/);
    assert.ok(!JSON.stringify(diagnostics).includes("root:x:0:0"), "the file outside the repository was not read");
  });

  test("a correct app: the graph holds the attached text and the ciphertext of the secrets it uses", () => {
    const dir = app("good", {
      "app.pipecd.yaml": appFile(`  encryption:
    encryptedSecrets:
      dbPassword: ${EXAMPLE_CIPHERTEXT}
      unused: ${EXAMPLE_CIPHERTEXT}
    decryptionTargets:
      - taskdef.yaml
  attachment:
    sources:
      config: config.json
    targets:
      - taskdef.yaml
`),
      "servicedef.yaml": SERVICEDEF,
      "taskdef.yaml": `${TASKDEF}    environment:\n      - name: A\n        value: "{{.encryptedSecrets.dbPassword}}"\n      - name: B\n        value: '{{ index .attachment "config" }}'\n`,
      "config.json": '{"a": 1}\n',
    });
    const { code, diagnostics, graph } = compileJson(dir);
    assert.equal(code, 0, JSON.stringify(diagnostics));
    assert.deepEqual(graph.secrets, { dbPassword: EXAMPLE_CIPHERTEXT });
    assert.deepEqual(graph.target.taskDefinition.containerDefinitions[0].environment, [
      { name: "A", value: "{{.encryptedSecrets.dbPassword}}" },
      { name: "B", value: '{"a": 1}\n' },
    ]);
  });
});
