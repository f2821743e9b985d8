// The per-call AWS timeout comes from the runtime config: `callTimeout` of a platform provider
// (a Go duration) reaches the provider the AWS clients are built from; 0 is refused with a
// message naming the key; absent, the clients use the 30 s default.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadSettings } from "../../runtime/cli/config.ts";
import { DEFAULT_POLICY } from "../../runtime/aws/call.ts";
import { tempDir } from "./helpers.ts";

function config(providerConfig: string): string {
  const dir = tempDir("kanaria-call-timeout-");
  const path = join(dir, "runtime.yaml");
  writeFileSync(
    path,
    `apiVersion: kanaria.dev/v1alpha1
kind: Runtime
spec:
  platformProviders:
    - name: prod
      type: ECS
      config: { region: eu-west-1${providerConfig} }
`,
  );
  return path;
}

test("callTimeout reaches the platform provider", () => {
  assert.equal(loadSettings(config(", callTimeout: 1m30s")).providers[0].callTimeoutMs, 90_000);
  assert.equal(loadSettings(config(", callTimeout: 500ms")).providers[0].callTimeoutMs, 500);
});

test("without callTimeout the clients use the 30 s default", () => {
  assert.equal(loadSettings(config("")).providers[0].callTimeoutMs, undefined);
  assert.equal(DEFAULT_POLICY.callTimeoutMs, 30_000);
});

test("a zero or malformed callTimeout is refused, naming the key", () => {
  assert.throws(() => loadSettings(config(", callTimeout: 0s")), (e: unknown) => e instanceof ConfigError && /callTimeout must be above 0/.test(e.message));
  assert.throws(() => loadSettings(config(", callTimeout: 30")), (e: unknown) => e instanceof ConfigError && /callTimeout/.test(e.message));
});
