// Checks the four input schemas (app, ECS service, ECS task definition, runtime):
// they compile under ajv strict mode, accept every valid public PipeCD config in the
// shared corpus, reject known-bad input with errors at the right place, and document
// every property (the editor shows the descriptions on hover).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import * as ajvModule from "ajv/dist/2020.js";
import { parse } from "yaml";
import { CORPUS_URL as corpusDir, corpusPresent, corpusRequirement, MISSING_CORPUS } from "../helpers/shared-corpus.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: unknown } | boolean;
type AjvError = { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> };
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

// ajv ships CommonJS; depending on the runtime the class is the default export or its `.default`.
const mod = ajvModule as unknown as { default: unknown };
const Ajv2020 = ((mod.default as { default?: unknown }).default ?? mod.default) as new (
  opts: Record<string, unknown>,
) => { compile(schema: Schema): Validate };

const schemaDir = new URL("../../schema/", import.meta.url);
const SCHEMA_FILES = ["app", "ecs-service", "ecs-taskdef", "runtime"] as const;
type SchemaName = (typeof SCHEMA_FILES)[number];

const text = (url: URL) => readFile(fileURLToPath(url), "utf8");

const schemas = new Map<SchemaName, Record<string, unknown>>();
const validators = new Map<SchemaName, Validate>();
for (const name of SCHEMA_FILES) {
  const schema = JSON.parse(await text(new URL(`${name}.schema.json`, schemaDir)));
  schemas.set(name, schema);
  // A fresh instance per schema: strict mode on, every error reported.
  validators.set(name, new Ajv2020({ strict: true, allErrors: true }).compile(schema));
}

/** What the compiler does before validation: drop nulls (YAML `with:` = absent, as in Go), and for ECS files also empty strings. */
function strip(value: Json, dropEmptyStrings: boolean): Json | undefined {
  if (value === null) return undefined;
  if (dropEmptyStrings && value === "") return undefined;
  if (Array.isArray(value)) {
    return value.map((v) => strip(v, dropEmptyStrings)).filter((v): v is Json => v !== undefined);
  }
  if (typeof value === "object") {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) {
      const s = strip(v, dropEmptyStrings);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
  return value;
}

function check(name: SchemaName, doc: unknown): AjvError[] {
  const validate = validators.get(name)!;
  const ok = validate(doc);
  return ok ? [] : [...(validate.errors ?? [])];
}

function describe(errors: AjvError[]): string {
  return errors.map((e) => `${e.instancePath || "/"} ${e.keyword}: ${e.message} ${JSON.stringify(e.params)}`).join("\n");
}

function assertValid(name: SchemaName, doc: unknown, label: string) {
  const errors = check(name, doc);
  assert.deepEqual(errors, [], `${label} should be valid against ${name}.schema.json:\n${describe(errors)}`);
}

/** Asserts that validation fails and that some error sits at `path` with `keyword`. */
function assertInvalid(name: SchemaName, doc: unknown, path: string, keyword: string): AjvError[] {
  const errors = check(name, doc);
  assert.ok(errors.length > 0, `expected ${name} validation to fail`);
  assert.ok(
    errors.some((e) => e.instancePath === path && e.keyword === keyword),
    `expected a "${keyword}" error at ${path}, got:\n${describe(errors)}`,
  );
  return errors;
}

// ---------------------------------------------------------------- corpus

type CorpusEntry = { file: string; note: string };
const manifest: CorpusEntry[] = (corpusPresent ? await text(new URL("MANIFEST.txt", corpusDir)) : "")
  .split("\n")
  .filter((line) => line.trim() !== "" && !line.startsWith("#"))
  .map((line) => {
    const cols = line.split("\t");
    return { file: cols[0]!, note: cols[4] ?? "" };
  });
const standins = ["standin/servicedef.yaml", "standin/taskdef.yaml"];

async function loadCorpus(file: string): Promise<Json> {
  return parse(await text(new URL(file, corpusDir))) as Json;
}

function kindOf(file: string, doc: Json): SchemaName | undefined {
  if (doc && typeof doc === "object" && !Array.isArray(doc) && doc.kind === "ECSApp") return "app";
  if (/servicedef\.(ya?ml|json)$/.test(file)) return "ecs-service";
  if (/taskdef\.(ya?ml|json)$/.test(file)) return "ecs-taskdef";
  return undefined;
}

test("every schema is draft 2020-12 with $id, title and description", () => {
  for (const [name, schema] of schemas) {
    assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema", name);
    assert.equal(schema.$id, `https://kanaria.dev/schema/${name}.schema.json`, name);
    assert.equal(typeof schema.title, "string", name);
    assert.equal(typeof schema.description, "string", name);
  }
});

test("the corpus manifest lists app, service and task definition files", corpusRequirement(), () => {
  assert.ok(corpusPresent, MISSING_CORPUS);
  assert.ok(manifest.length >= 10, "manifest should list the corpus files");
  assert.ok(manifest.some((e) => e.note.startsWith("NEGATIVE")), "manifest should have the negative file");
});

test("every corpus file except the NEGATIVE one passes its schema", corpusRequirement(), async () => {
  let apps = 0;
  for (const entry of [...manifest, ...standins.map((file) => ({ file, note: "standin" }))]) {
    if (entry.note.startsWith("NEGATIVE")) continue;
    const doc = await loadCorpus(entry.file);
    const kind = kindOf(entry.file, doc);
    assert.ok(kind, `cannot tell which schema ${entry.file} belongs to`);
    // The tutorial (placeholder ARNs) and wait-approval (no input) files are schema-valid:
    // the compiler rejects them in lint, with rule ids of their own.
    assertValid(kind, strip(doc, kind !== "app"), entry.file);
    if (kind === "app") apps++;
  }
  assert.ok(apps >= 8, `expected at least 8 app files, validated ${apps}`);
});

test("the NEGATIVE corpus file (accessType: XXX) fails at input.accessType", corpusRequirement(), async () => {
  const negative = manifest.find((e) => e.note.startsWith("NEGATIVE"))!;
  const doc = strip(await loadCorpus(negative.file), false);
  const errors = assertInvalid("app", doc, "/spec/input/accessType", "enum");
  assert.equal(errors.length, 1, describe(errors));
});

// ---------------------------------------------------------------- app: hand-written cases

function app(spec: Record<string, Json>): Json {
  return { apiVersion: "pipecd.dev/v1beta1", kind: "ECSApp", spec };
}
function pipeline(...stages: Json[]): Json {
  return app({ name: "web", input: { serviceDefinitionFile: "servicedef.yaml" }, pipeline: { stages } });
}

test("a full pipeline with analysis, templates, percentages and Kanaria's delay is valid", () => {
  const doc = pipeline(
    { name: "ECS_CANARY_ROLLOUT", with: { scale: "30%" } },
    { name: "ECS_TRAFFIC_ROUTING", with: { canary: "20" } },
    {
      name: "ANALYSIS",
      timeout: "20m",
      with: {
        duration: "10m",
        metrics: [
          {
            strategy: "THRESHOLD",
            provider: "datadog",
            query: "sum:trace.http.request.errors{service:<< .App.Name >>}.as_count()",
            expected: { max: 0.01 },
            interval: "1m",
            failureLimit: 1,
            delay: "3m",
          },
          { template: { name: "http_error_rate", appArgs: { service: "web" } } },
        ],
        https: [{ url: "https://example.com/healthz", method: "GET", headers: [{ key: "x", value: "y" }], expectedCode: 200, interval: "30s" }],
        logs: [{ template: { name: "errors" } }],
      },
    },
    { name: "WAIT_APPROVAL", with: { approvers: ["alice"], minApproverNum: 1, timeout: "1h" } },
    { name: "SCRIPT_RUN", with: { run: "echo ok", env: { A: "1" }, onRollback: "echo rollback" } },
    { name: "WAIT", with: { duration: "1.5h" } },
    { name: "ECS_PRIMARY_ROLLOUT" },
    { name: "ECS_TRAFFIC_ROUTING", with: { primary: 100 } },
    { name: "ECS_CANARY_CLEAN" },
  );
  assertValid("app", doc, "full pipeline");
});

test("a misspelt key inside `with` is reported at that `with`", () => {
  const doc = pipeline({ name: "ECS_CANARY_ROLLOUT", with: { scael: 30, scale: 30 } });
  const errors = assertInvalid("app", doc, "/spec/pipeline/stages/0/with", "additionalProperties");
  assert.ok(errors.some((e) => e.params.additionalProperty === "scael"), describe(errors));
});

test("an unknown stage name gives one error, an enum error on `name`", () => {
  const doc = pipeline({ name: "ECS_CANARY_ROLOUT", with: { scale: 30 } });
  const errors = assertInvalid("app", doc, "/spec/pipeline/stages/0/name", "enum");
  assert.equal(errors.length, 1, describe(errors));
});

test("a bad duration (`15 sec`) fails the duration pattern", () => {
  const doc = pipeline({ name: "WAIT", with: { duration: "15 sec" } });
  assertInvalid("app", doc, "/spec/pipeline/stages/0/with/duration", "pattern");
});

test("durations: Go syntax is accepted, other spellings are not", () => {
  const validate = (duration: Json) => check("app", pipeline({ name: "WAIT", with: { duration } }));
  for (const good of ["150s", "1h30m", "500ms", "1.5h", "0", "2m0.5s", "10us"]) {
    assert.deepEqual(validate(good), [], good);
  }
  for (const bad of ["15 sec", "10", "1d", "h", "", "-5s", 30]) {
    assert.notDeepEqual(validate(bad), [], String(bad));
  }
});

test("percentages accept numbers and numeric strings with an optional %", () => {
  const validate = (scale: Json) => check("app", pipeline({ name: "ECS_CANARY_ROLLOUT", with: { scale } }));
  for (const good of [30, 12.5, "30", "30%", 150]) assert.deepEqual(validate(good), [], String(good));
  for (const bad of ["thirty", "30 percent", true]) assert.notDeepEqual(validate(bad), [], String(bad));
});

test("stages that need options must have them", () => {
  assertInvalid("app", pipeline({ name: "ECS_CANARY_ROLLOUT" }), "/spec/pipeline/stages/0", "required");
  // PipeCD gives these defaults (WAIT 1m; traffic all to primary), so a bare stage is valid.
  assertValid("app", pipeline({ name: "WAIT" }), "bare WAIT");
  assertValid("app", pipeline({ name: "ECS_TRAFFIC_ROUTING" }), "bare ECS_TRAFFIC_ROUTING");
  assertInvalid("app", pipeline({ name: "ANALYSIS", with: { metrics: [] } }), "/spec/pipeline/stages/0/with", "required");
  assertInvalid("app", pipeline({ name: "SCRIPT_RUN", with: { env: {} } }), "/spec/pipeline/stages/0/with", "required");
});

test("a metric without a template needs provider, query and interval", () => {
  const doc = pipeline({ name: "ANALYSIS", with: { duration: "5m", metrics: [{ query: "q", interval: "1m" }] } });
  const errors = assertInvalid("app", doc, "/spec/pipeline/stages/0/with/metrics/0", "required");
  assert.ok(errors.some((e) => e.params.missingProperty === "provider"), describe(errors));
});

test("enums and unknown keys elsewhere in the app file are rejected", () => {
  assertInvalid("app", app({ input: { launchType: "SPOT" } }), "/spec/input/launchType", "enum");
  assertInvalid("app", app({ pipline: { stages: [] } }), "/spec", "additionalProperties");
  assertInvalid("app", app({ input: { targetGroups: { primary: { targetGroupArn: "arn", containerName: "web" } } } }), "/spec/input/targetGroups/primary", "required");
  assertInvalid("app", { apiVersion: "pipecd.dev/v1beta1", kind: "KubernetesApp", spec: {} }, "/kind", "const");
});

test("an empty `with:` (null) is treated as absent", () => {
  const doc = strip(parse("apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  pipeline:\n    stages:\n      - name: ECS_PRIMARY_ROLLOUT\n        with:\n") as Json, false);
  assertValid("app", doc, "empty with");
});

// ---------------------------------------------------------------- ECS definitions

test("ECS service definitions: unknown keys and bad enums are rejected; cluster/clusterArn aliases", () => {
  const base = { serviceName: "web", desiredCount: 2, deploymentController: { type: "EXTERNAL" } };
  assertValid("ecs-service", { ...base, clusterArn: "arn:aws:ecs:us-east-1:1:cluster/c" }, "clusterArn alias");
  assertInvalid("ecs-service", { ...base, desiredCont: 2 }, "", "additionalProperties");
  assertInvalid("ecs-service", { ...base, schedulingStrategy: "REPLICAS" }, "/schedulingStrategy", "enum");
  assertInvalid("ecs-service", { ...base, cluster: "a", clusterArn: "b" }, "", "not");
  assertInvalid("ecs-service", { desiredCount: 1 }, "", "required");
});

test("ECS task definitions: cpu/memory as number or string; unknown container keys are rejected", () => {
  const container = { name: "web", image: "nginx", portMappings: [{ containerPort: 80, protocol: "tcp" }] };
  for (const [cpu, memory] of [[256, 512], ["256", "512"], ["1 vCPU", "2 GB"]] as const) {
    assertValid("ecs-taskdef", { family: "f", cpu, memory, containerDefinitions: [container] }, `cpu ${cpu}`);
  }
  assertInvalid("ecs-taskdef", { family: "f", containerDefinitions: [{ ...container, imagee: "x" }] }, "/containerDefinitions/0", "additionalProperties");
  assertInvalid("ecs-taskdef", { family: "f", networkMode: "vpc", containerDefinitions: [container] }, "/networkMode", "enum");
});

// ---------------------------------------------------------------- runtime

const runtimeDoc = parse(`
apiVersion: kanaria.dev/v1alpha1
kind: Runtime
spec:
  platformProviders:
    - name: ecs-dev
      type: ECS
      config:
        region: ap-northeast-1
        profile: default
        endpoints:
          ecs: http://127.0.0.1:4566
          elbv2: http://127.0.0.1:4566
  analysisProviders:
    - name: datadog
      type: DATADOG
      config:
        address: datadoghq.com
        apiKeyFile: /etc/kanaria/dd-api-key
        applicationKeyFile: /etc/kanaria/dd-app-key
    - name: prometheus
      type: PROMETHEUS
      config:
        address: http://prometheus:9090
        bearerTokenFile: /etc/kanaria/prom-token
  notifications:
    routes:
      - name: failures
        receiver: team-slack
        events: [DEPLOYMENT_FAILED, DEPLOYMENT_ROLLING_BACK]
        labels: { team: xyz }
    receivers:
      - name: team-slack
        slack:
          hookURLFile: /etc/kanaria/slack-hook
      - name: audit
        webhook:
          url: https://audit.example.com/hook
          signatureValueFile: /etc/kanaria/signature
  server:
    address: 0.0.0.0:9090
    tokenFile: /etc/kanaria/token
    approvers:
      tokensFile: /etc/kanaria/approvers.yaml
  store:
    type: sqlite
    path: /var/lib/kanaria/kanaria.db
  simulator: {}
`) as { spec: Record<string, Json> };

test("a complete runtime configuration is valid", () => {
  assertValid("runtime", runtimeDoc, "runtime example");
});

test("runtime: secrets are only accepted as files; provider config is typed by provider type", () => {
  const withDatadog = (config: Json) =>
    ({ ...runtimeDoc, spec: { analysisProviders: [{ name: "dd", type: "DATADOG", config }] } }) as Json;
  assertInvalid("runtime", withDatadog({ apiKey: "secret", apiKeyFile: "a", applicationKeyFile: "b" }), "/spec/analysisProviders/0/config", "additionalProperties");
  assertInvalid("runtime", withDatadog({ address: "http://x:9090" }), "/spec/analysisProviders/0/config", "required");
  const slackInline = { ...runtimeDoc, spec: { notifications: { receivers: [{ name: "s", slack: { hookURL: "https://hooks.slack.com/x" } }] } } };
  assertInvalid("runtime", slackInline, "/spec/notifications/receivers/0/slack", "additionalProperties");
  assertInvalid("runtime", { ...runtimeDoc, spec: { platformProviders: [{ name: "k", type: "KUBERNETES", config: { region: "x" } }] } }, "/spec/platformProviders/0/type", "enum");
});

// ---------------------------------------------------------------- documentation and strictness of the schemas

type Walk = (schema: Schema, path: string) => void;

/** Calls `visit` for every subschema, except inside `if` (conditions are not user-facing). */
function walk(schema: Schema, path: string, visit: Walk) {
  if (typeof schema !== "object" || schema === null) return;
  visit(schema, path);
  for (const [key, value] of Object.entries(schema)) {
    if (key === "if" || key === "const" || key === "enum" || key === "default" || key === "examples") continue;
    if (key === "properties" || key === "$defs" || key === "patternProperties") {
      for (const [name, sub] of Object.entries(value as Record<string, Schema>)) walk(sub, `${path}/${key}/${name}`, visit);
    } else if (Array.isArray(value)) {
      value.forEach((sub, i) => {
        walk(sub as Schema, `${path}/${key}/${i}`, visit);
      });
    } else if (typeof value === "object" && value !== null) {
      walk(value as Schema, `${path}/${key}`, visit);
    }
  }
}

test("every property in every schema has a description", () => {
  const missing: string[] = [];
  for (const [name, schema] of schemas) {
    walk(schema, name, (sub, path) => {
      if (typeof sub !== "object" || !sub.properties) return;
      for (const [prop, propSchema] of Object.entries(sub.properties as Record<string, Schema>)) {
        if (propSchema === true) continue; // `{properties: {x: true}, required: [x]}` helpers inside oneOf/if.
        const description = typeof propSchema === "object" ? propSchema.description : undefined;
        if (typeof description !== "string" || description.trim().length < 5) missing.push(`${path}/properties/${prop}`);
      }
    });
  }
  assert.deepEqual(missing, [], `properties without a description:\n${missing.join("\n")}`);
});

test("every object schema with properties forbids unknown keys", () => {
  const open: string[] = [];
  for (const [name, schema] of schemas) {
    walk(schema, name, (sub, path) => {
      if (typeof sub !== "object" || !sub.properties || sub.type !== "object") return;
      if (sub.additionalProperties !== false) open.push(path);
    });
  }
  assert.deepEqual(open, [], `objects that allow unknown keys:\n${open.join("\n")}`);
});
