// The pure parts of GitOps: PipeCD's trigger semantics (which changed files touch an app),
// commitMatcher, the GitHub webhook signature and which watched repository a push names, and
// the runtime config's repositories / git sections with their file:line:col errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { forcesQuickSync, outOfSyncRedeploy, touchesApp } from "../../runtime/gitops/trigger.ts";
import { matchingRepos, pushEvent, remoteKey, signatureMatches } from "../../runtime/gitops/webhook.ts";
import { redactRemote } from "../../runtime/gitops/agent.ts";
import { ConfigError, loadSettings } from "../../runtime/cli/config.ts";
import { tempDir } from "./helpers.ts";

const APP = "services/web/app.pipecd.yaml";

test("a change in the app's folder touches it; one elsewhere does not, unless the app names the file", () => {
  assert.equal(touchesApp(APP, [], undefined, ["services/web/taskdef.yaml"]), true);
  assert.equal(touchesApp(APP, [], undefined, ["services/web/deep/x.json"]), true);
  assert.equal(touchesApp(APP, [], undefined, ["services/api/taskdef.yaml", "README.md"]), false);
  assert.equal(touchesApp(APP, [], undefined, ["services/web-old/taskdef.yaml"]), false, "a folder with the same prefix is another folder");
  assert.equal(touchesApp(APP, ["shared/taskdef.yaml"], undefined, ["shared/taskdef.yaml"]), true, "a file the app named at its last compile");
  assert.equal(touchesApp("app.pipecd.yaml", [], undefined, ["anything/at/all"]), true, "an app at the root owns the repository");
});

test("onCommit.paths adds patterns; onCommit.ignores wins over everything", () => {
  const trigger = { onCommit: { paths: ["shared/**", "config/*.yaml"], ignores: ["services/web/docs", "**/*.md"] } };
  assert.equal(touchesApp(APP, [], trigger, ["shared/a/b.json"]), true);
  assert.equal(touchesApp(APP, [], trigger, ["config/base.yaml"]), true);
  assert.equal(touchesApp(APP, [], trigger, ["config/deep/base.yaml"]), false);
  assert.equal(touchesApp(APP, [], trigger, ["services/web/docs/intro.txt"]), false);
  assert.equal(touchesApp(APP, [], trigger, ["services/web/README.md"]), false);
  assert.equal(touchesApp(APP, [], trigger, ["services/web/README.md", "services/web/taskdef.yaml"]), true);
});

test("commitMatcher: quickSync forces a quick sync unless pipeline matches too; a bad pattern matches nothing", () => {
  assert.equal(forcesQuickSync({ quickSync: "\\[quick\\]" }, "fix: [quick] hotfix"), true);
  assert.equal(forcesQuickSync({ quickSync: "\\[quick\\]" }, "fix: careful"), false);
  assert.equal(forcesQuickSync({ quickSync: "fix", pipeline: "careful" }, "fix: careful"), false);
  assert.equal(forcesQuickSync({ quickSync: "([" }, "anything"), false);
  assert.equal(forcesQuickSync(undefined, "anything"), false);
});

test("onOutOfSync redeploys only when disabled is false, after minWindow (default 5m)", () => {
  assert.equal(outOfSyncRedeploy(undefined), null);
  assert.equal(outOfSyncRedeploy({ onOutOfSync: {} }), null);
  assert.deepEqual(outOfSyncRedeploy({ onOutOfSync: { disabled: false } }), { minWindowMs: 300_000 });
  assert.deepEqual(outOfSyncRedeploy({ onOutOfSync: { disabled: false, minWindow: "30s" } }), { minWindowMs: 30_000 });
});

test("X-Hub-Signature-256 must be the HMAC-SHA256 of the exact body", async () => {
  const body = '{"ref":"refs/heads/main"}';
  const good = `sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`;
  assert.equal(await signatureMatches("s3cret", body, good), true);
  assert.equal(await signatureMatches("s3cret", `${body}\n`, good), false);
  assert.equal(await signatureMatches("other", body, good), false);
  assert.equal(await signatureMatches("s3cret", body, undefined), false);
  assert.equal(await signatureMatches("s3cret", body, good.replace("sha256=", "sha1=")), false);
});

test("a push names the watched repositories with the same remote (ssh, https or owner/name) and branch", () => {
  const repos = [
    { repoId: "ssh", remote: "git@github.com:Acme/Shop.git", branch: "main" },
    { repoId: "https", remote: "https://github.com/acme/shop", branch: "main" },
    { repoId: "other-branch", remote: "https://github.com/acme/shop.git", branch: "release" },
    { repoId: "other", remote: "https://github.com/acme/billing.git", branch: "main" },
  ];
  const push = pushEvent({ ref: "refs/heads/main", repository: { full_name: "acme/shop", clone_url: "https://github.com/acme/shop.git", ssh_url: "git@github.com:acme/shop.git" } });
  assert.deepEqual(matchingRepos(repos, push).map((r) => r.repoId), ["ssh", "https"]);
  assert.deepEqual(matchingRepos(repos, pushEvent({ ref: "refs/tags/v1", repository: { full_name: "acme/shop" } })), []);
  assert.equal(remoteKey("ssh://git@github.com/acme/shop.git/"), "github.com/acme/shop");
  assert.equal(redactRemote("https://user:tok@github.com/acme/shop.git"), "https://***@github.com/acme/shop.git");
});

function config(spec: string): string {
  const dir = tempDir("kanaria-gitops-config-");
  const path = join(dir, "runtime.yaml");
  writeFileSync(path, `apiVersion: kanaria.dev/v1alpha1\nkind: Runtime\nspec:\n${spec}`);
  return path;
}

test("repositories and git: defaults, paths relative to the config, and errors at file:line:col", () => {
  const path = config(`  git:\n    httpsTokenFile: secrets/git-token\n    webhookSecretFile: secrets/hook\n  repositories:\n    - repoId: shop\n      remote: ../shop.git\n      branch: main\n    - repoId: api\n      remote: git@github.com:acme/api.git\n      branch: main\n      apps: [services/api/app.pipecd.yaml]\n`);
  const g = loadSettings(path).gitops!;
  assert.equal(g.pollIntervalMs, 60_000, "pollInterval defaults to 1m");
  assert.equal(g.repositories[0].remote, join(path, "../../shop.git"));
  assert.equal(g.repositories[1].remote, "git@github.com:acme/api.git");
  assert.deepEqual(g.repositories[1].apps, ["services/api/app.pipecd.yaml"]);
  assert.equal(g.httpsTokenFile, join(path, "../secrets/git-token"));
  assert.equal(loadSettings(config("  server:\n    address: 127.0.0.1:1\n")).gitops, null);

  const twice = config(`  repositories:\n    - repoId: shop\n      remote: a.git\n      branch: main\n    - repoId: shop\n      remote: b.git\n      branch: main\n`);
  assert.throws(() => loadSettings(twice), (e: unknown) => e instanceof ConfigError && e.message.includes(`${twice}:8:15 error schema The repoId "shop" is already used at line 5`));
  const noBranch = config(`  repositories:\n    - repoId: shop\n      remote: a.git\n`);
  assert.throws(() => loadSettings(noBranch), (e: unknown) => e instanceof ConfigError && new RegExp(`${noBranch}:5:7 error schema .*branch`).test(e.message));
  const both = config(`  git:\n    sshKeyFile: k\n    httpsTokenFile: t\n  repositories:\n    - { repoId: shop, remote: a.git, branch: main }\n`);
  assert.throws(() => loadSettings(both), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${both}:5:5 error`));
  const zero = config(`  git:\n    pollInterval: 0s\n  repositories:\n    - { repoId: shop, remote: a.git, branch: main }\n`);
  assert.throws(() => loadSettings(zero), (e: unknown) => e instanceof ConfigError && e.message === `${zero}:5:19 error schema spec.git.pollInterval must be above 0 (for example 1m).`);
});
