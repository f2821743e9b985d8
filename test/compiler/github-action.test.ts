// The GitHub integration as GitHub runs it: action.yml's steps executed by bash the way a runner
// does (`bash --noprofile --norc -eo pipefail`, inputs substituted, GITHUB_ACTION_PATH set),
// annotations in the form GitHub's toolkit accepts, and SARIF with `help` on every rule.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT, runCli } from "../helpers/cli.ts";
import { RULES } from "../../compiler/rules/index.ts";

function brokenRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "kanaria-action-"));
  cpSync(`${ROOT}examples/canary`, join(dir, "deploy"), { recursive: true });
  const app = join(dir, "deploy/app.pipecd.yaml");
  // A two-line range (labels given as a list) and a one-line one (canary 120).
  writeFileSync(app, readFileSync(app, "utf8").replace("  labels:\n    env: demo\n    team: payments\n", "  labels:\n    - env\n    - team\n").replace("canary: 20", "canary: 120"));
  return dir;
}

/** Runs the composite action's steps in `cwd` with these inputs, as a runner would. */
function runAction(cwd: string, inputs: Record<string, string>): { code: number; stdout: string; stderr: string } {
  const action = parse(readFileSync(`${ROOT}action.yml`, "utf8"));
  const values = Object.fromEntries(Object.entries(action.inputs as Record<string, { default?: string }>).map(([k, v]) => [k, inputs[k] ?? v.default ?? ""]));
  const expand = (s: string) => s.replace(/\$\{\{\s*inputs\.(\w+)\s*\}\}/g, (_, k) => values[k] ?? "");
  let stdout = "";
  let stderr = "";
  for (const step of action.runs.steps) {
    const env = Object.fromEntries(Object.entries((step.env ?? {}) as Record<string, string>).map(([k, v]) => [k, expand(String(v))]));
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step.run)], {
      cwd,
      encoding: "utf8",
      env: { ...process.env, ...env, GITHUB_ACTION_PATH: ROOT.replace(/\/$/, ""), GITHUB_ACTIONS: "true" },
    });
    stdout += r.stdout;
    stderr += r.stderr;
    if (r.status !== 0) return { code: r.status ?? -1, stdout, stderr };
  }
  return { code: 0, stdout, stderr };
}

describe("GitHub integration", () => {
  test("action.yml: annotations on the broken app, the step fails; SARIF written when asked", () => {
    const repo = brokenRepo();
    const r = runAction(repo, { paths: "deploy/", sarif: "kanaria.sarif" });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^::error file=deploy\/app\.pipecd\.yaml,line=29,col=19,endLine=29,endColumn=22,title=kanaria traffic-percentages::canary weight 120/m);
    const sarif = JSON.parse(readFileSync(join(repo, "kanaria.sarif"), "utf8"));
    assert.ok(sarif.runs[0].results.some((x: { ruleId: string }) => x.ruleId === "traffic-percentages"));
  });

  test("action.yml: a clean repository passes", () => {
    const dir = mkdtempSync(join(tmpdir(), "kanaria-action-ok-"));
    cpSync(`${ROOT}examples/canary`, join(dir, "deploy"), { recursive: true });
    const r = runAction(dir, {});
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /^::error/m);
  });

  test("--format github: col/endColumn only on one-line ranges, as GitHub's toolkit requires", () => {
    const repo = brokenRepo();
    const r = runCli(["compile", "--format", "github", join(repo, "deploy")]);
    assert.equal(r.code, 1);
    const annotations = r.stdout.split("\n").filter((l) => l.startsWith("::"));
    const labels = annotations.find((l) => l.includes("spec.labels must be a mapping"));
    assert.ok(labels, r.stdout);
    const props = Object.fromEntries(/^::error ([^:]*)::/.exec(labels)![1].split(",").map((p) => p.split("=")));
    assert.equal(props.line, "8");
    assert.equal(props.endLine, "9", "the list ends on line 9");
    assert.ok(!("col" in props) && !("endColumn" in props), labels);
    for (const a of annotations) {
      const p = Object.fromEntries(/^::\w+ ([^:]*)::/.exec(a)![1].split(",").map((x) => x.split("=")));
      if (p.line !== p.endLine) assert.ok(!("col" in p) && !("endColumn" in p), a);
      else assert.ok("col" in p && "endColumn" in p, a);
    }
  });

  test("SARIF: every rule has help (text and markdown) with its docs and how to suppress it", () => {
    const sarif = JSON.parse(runCli(["compile", "--format", "sarif", "examples/canary"]).stdout);
    const rules = sarif.runs[0].tool.driver.rules as { id: string; help?: { text: string; markdown: string } }[];
    assert.deepEqual(rules.map((r) => r.id), RULES.map((r) => r.id));
    for (const r of rules) {
      const docs = RULES.find((x) => x.id === r.id)!.docs;
      assert.ok(r.help?.text.includes(docs), r.id);
      assert.ok(r.help?.markdown.includes(`# kanaria-disable-next-line ${r.id}`), r.id);
    }
  });
});
