// The compiler → runtime contract (schema/graph.schema.json): every graph the compiler emits
// (examples, the PipeCD corpus, every rule fixture) validates against the schema, params
// included; and every param a node kind's schema declares is read by its executor, so no option
// is accepted and then ignored.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile, type CompileResult } from "../../compiler/compile.ts";
import { findApps, fsReader } from "../../compiler/cli/fs-reader.ts";
import { loadRuntimeConfig } from "../../compiler/runtime-config.ts";
import { RULES } from "../../compiler/rules/index.ts";
import { validateValue } from "../../compiler/validate/validators.ts";
import { memoryReader } from "../helpers/memory-files.ts";
import { corpusFile, corpusRequirement, validCorpusApps } from "../helpers/shared-corpus.ts";

const root = new URL("../../", import.meta.url).pathname;

function assertValidGraph(what: string, r: CompileResult): void {
  if (!r.graph) return;
  const v = validateValue("graph", r.graph);
  assert.deepEqual(v.issues, [], `${what}: the compiled graph does not match schema/graph.schema.json`);
}

describe("every compiled graph matches the graph schema", () => {
  test("examples/", () => {
    const { apps } = findApps([join(root, "examples")]);
    const configText = readFileSync(join(root, "examples/runtime.yaml"), "utf8");
    const config = loadRuntimeConfig("examples/runtime.yaml", configText).config;
    let graphs = 0;
    for (const app of apps) {
      const r = compile({ appPath: app, readFile: fsReader, config, root });
      assertValidGraph(app, r);
      if (r.graph) graphs++;
    }
    assert.ok(graphs >= 6, `only ${graphs} examples compiled to a graph`);
  });

  test("the PipeCD corpus", corpusRequirement(), () => {
    const apps = validCorpusApps();
    assert.ok(apps.length > 0);
    for (const e of apps) {
      const reader = (path: string): string | null => (path.startsWith("corpus/") ? corpusFile(e, path.slice("corpus/".length)) : null);
      const r = compile({ appPath: "corpus/app.pipecd.yaml", readFile: reader });
      assert.ok(r.graph, `${e.file} compiles to a graph`);
      assertValidGraph(e.file, r);
    }
  });

  test("every rule's valid and invalid examples", () => {
    let graphs = 0;
    for (const rule of RULES) {
      for (const [kind, examples] of [["valid", rule.examples.valid], ["invalid", rule.examples.invalid]] as const) {
        for (const [i, ex] of examples.entries()) {
          const config = ex.config ? loadRuntimeConfig("runtime.yaml", ex.config).config : null;
          const r = compile({ appPath: `app/${ex.app ?? "app.pipecd.yaml"}`, readFile: memoryReader(ex.files), config, root: "app" });
          assertValidGraph(`${rule.id} ${kind}[${i}]`, r);
          if (r.graph) graphs++;
        }
      }
    }
    assert.ok(graphs >= RULES.length, `only ${graphs} rule examples compiled to a graph`);
  });
});

// ---- every declared param is read by its executor -------------------------------------------

type JsonSchema = Record<string, any>;
const schema: JsonSchema = JSON.parse(readFileSync(join(root, "schema/graph.schema.json"), "utf8"));
const defs: Record<string, JsonSchema> = schema.$defs;
const deref = (s: JsonSchema): JsonSchema => (s.$ref ? defs[s.$ref.replace("#/$defs/", "")] : s);

/** Node kinds of the schema: the stages of each, and its params schema. */
function nodeKinds(): { stages: string[]; params: JsonSchema }[] {
  return defs.node.oneOf.map((ref: JsonSchema) => {
    const kind = deref(ref);
    const st = kind.properties.stage;
    return { stages: st.const ? [st.const] : st.enum, params: deref(kind.properties.params) };
  });
}

/** Source without comments (a param named in a comment is not read). */
const code = (file: string) => readFileSync(join(root, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "").replace(/\s\/\/.*$/gm, "");

/** The module of each stage's executor, from the stage table (runtime/stages/registry.ts). */
function executorModules(): Map<string, string> {
  const registry = code("runtime/stages/registry.ts");
  const moduleOf = new Map<string, string>();
  for (const m of registry.matchAll(/import \{([^}]*)\} from "\.\/([\w-]+\.ts)"/g)) for (const name of m[1].split(",")) moduleOf.set(name.trim(), `runtime/stages/${m[2]}`);
  const out = new Map<string, string>();
  for (const m of registry.matchAll(/forStage\("(\w+)", (\w+)/g)) out.set(m[1], moduleOf.get(m[2])!);
  return out;
}

/** A module and the runtime/stages and runtime/analysis modules it imports, transitively. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of code(file).matchAll(/from "(\.{1,2}\/[^"]+\.ts)"/g)) {
    const target = join(file, "..", m[1]);
    if (/^runtime\/(stages|analysis)\//.test(target) && !target.endsWith("/types.ts")) closure(target, seen);
  }
  return seen;
}

/** Does `source` read `name` from an object named params/p (or destructure it from one)? */
const readsParam = (source: string, name: string) =>
  new RegExp(`\\b(params|p)\\??\\.${name}\\b`).test(source) || new RegExp(`\\{[^{}]*\\b${name}\\b[^{}]*\\}\\s*=\\s*[\\w.]*params\\b`).test(source);
/** Nested check fields are read off each check object: any property access (or destructuring) counts. */
const readsField = (source: string, name: string) => new RegExp(`\\.${name}\\b`).test(source) || new RegExp(`\\{[^{}]*\\b${name}\\b[^{}]*\\}\\s*=`).test(source);

/** Nested object schemas below a params schema (analysis checks), by JSON path. */
function nested(s: JsonSchema, path: string): [string, JsonSchema][] {
  const out: [string, JsonSchema][] = [];
  for (const [k, v] of Object.entries<JsonSchema>(s.properties ?? {})) {
    const item = deref(v.type === "array" && v.items ? v.items : v);
    // A map keyed by variant (queries) is read by index (`queries[variant]`), not by name.
    const byVariant = Object.keys(item.properties ?? {}).every((p) => defs.variant.enum.includes(p));
    if (item.type === "object" && item.properties && Object.keys(item.properties).length && !byVariant) out.push([`${path}.${k}`, item], ...nested(item, `${path}.${k}`));
  }
  return out;
}

// logs checks are refused as a whole by the runtime (runAnalysis fails the stage naming the
// provider; rule analysis-logs-unsupported warns at compile time), so their fields are not read.
const REFUSED = new Set(["params.logs"]);

describe("every param a node kind declares is read by its executor", () => {
  const modules = executorModules();
  test("the stage table covers every stage of the schema", () => {
    const stages = nodeKinds().flatMap((k) => k.stages);
    assert.deepEqual(stages.filter((s) => !modules.has(s)), []);
  });
  for (const kind of nodeKinds()) {
    for (const stage of kind.stages) {
      test(stage, () => {
        const files = [...closure(modules.get(stage)!)];
        const source = files.map(code).join("\n");
        const unread = Object.keys(kind.params.properties).filter((name) => !readsParam(code(modules.get(stage)!), name) && !readsParam(source, name));
        assert.deepEqual(unread, [], `${stage} params declared in the schema but never read by ${files.join(", ")}`);
        for (const [path, sub] of nested(kind.params, "params")) {
          if (REFUSED.has(path)) continue;
          const unreadFields = Object.keys(sub.properties).filter((name) => !readsField(source, name));
          assert.deepEqual(unreadFields, [], `${stage} ${path} fields never read by ${files.join(", ")}`);
        }
      });
    }
  }
});
