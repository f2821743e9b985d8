// `kanaria deploy APP --simulate` succeeds on every PipeCD ECS app that PipeCD itself runs: each
// valid app of the public corpus (../shared/corpus/pipecd: the examples with placeholder ARNs,
// blue/green, service discovery, standalone tasks), and this repository's own fixtures of the
// shapes that used to end in an internal error (a standalone EC2 task in bridge mode; target
// group ARNs with `XXXX`/`YYYY` parts). The CLI runs as a process, as a user runs it.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";
import { corpusRequirement, materializeCorpusApp, validCorpusApps } from "../helpers/shared-corpus.ts";
import { FIXTURES } from "./helpers.ts";

const DEPLOY_TIMEOUT_MS = 300_000;

function deploySimulated(app: string) {
  const r = runCli(["deploy", app, "--simulate"], { timeoutMs: DEPLOY_TIMEOUT_MS });
  const output = `${r.stdout}\n${r.stderr}`;
  assert.notEqual(r.code, 70, `internal error:\n${output}`);
  assert.equal(r.code, 0, `kanaria deploy ${app} --simulate exited ${r.code}:\n${output}`);
  assert.match(r.stdout, /deployment\s+SUCCEEDED/, output);
  return r;
}

describe("PipeCD's public ECS apps deploy on the simulator", corpusRequirement("PipeCD corpus deployments"), () => {
  const apps = validCorpusApps();
  test("the corpus has valid apps to deploy", () => {
    assert.ok(apps.length >= 6, `only ${apps.length} valid apps in the corpus`);
  });
  for (const e of apps) {
    test(`${e.file} deploys with --simulate`, { timeout: DEPLOY_TIMEOUT_MS + 30_000 }, () => {
      const dir = mkdtempSync(join(tmpdir(), "kanaria-corpus-deploy-"));
      try {
        deploySimulated(materializeCorpusApp(e, dir));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe("shapes of PipeCD examples that used to crash the simulated world", () => {
  test("a standalone EC2 task in bridge network mode runs in an EC2 world", { timeout: DEPLOY_TIMEOUT_MS + 30_000 }, () => {
    const r = deploySimulated(join(FIXTURES, "standalone-ec2-bridge"));
    assert.match(r.stdout, /started 1 standalone task/);
  });

  test("target group ARNs with placeholder account and id get target groups of exactly those ARNs", { timeout: DEPLOY_TIMEOUT_MS + 30_000 }, () => {
    const r = deploySimulated(join(FIXTURES, "placeholder-arns"));
    assert.match(r.stdout, /task set \S+ is the primary/);
  });

  test("a world that cannot be built is a usage error naming the scenario, never an internal error", { timeout: DEPLOY_TIMEOUT_MS + 30_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "kanaria-bad-world-"));
    try {
      cpSync(join(FIXTURES, "placeholder-arns"), dir, { recursive: true });
      writeFileSync(join(dir, "scenario.yaml"), "clusters: [demo]\nservices:\n  - cluster: nowhere\n    serviceName: web\n");
      const r = runCli(["deploy", dir, "--simulate"], { timeoutMs: DEPLOY_TIMEOUT_MS });
      assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, new RegExp(`The scenario ${dir}/scenario\\.yaml cannot be simulated: .*service web: Cluster not found`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
