// Issue 14.8: a schema error in one part of the app must not hide the lint findings of the
// others (one pre-commit round per commit), and a finding that rests on the broken part is skipped.
// Run as the user runs it: `kanaria compile --format json` as a process.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runCli } from "../helpers/cli.ts";

function canaryCopy(mutate: (app: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "kanaria-one-pass-"));
  cpSync(`${ROOT}examples/canary`, dir, { recursive: true });
  const app = join(dir, "app.pipecd.yaml");
  const before = readFileSync(app, "utf8");
  const after = mutate(before);
  assert.notEqual(after, before, "the mutation applies");
  writeFileSync(app, after);
  return dir;
}

function findings(dir: string): { code: string; line: number; message: string }[] {
  const r = runCli(["compile", "--format", "json", dir]);
  assert.equal(r.code, 1, r.stderr + r.stdout);
  return JSON.parse(r.stdout).diagnostics;
}

const SUM_110 = (a: string) => a.replace("          canary: 20\n", "          canary: 20\n          primary: 90\n");
const TYPO_IN_STAGE_3 = (a: string) => a.replace("          duration: 10m\n", "          durration: 10m\n");
const TYPO_IN_STAGE_1 = (a: string) => a.replace("          scale: 25\n", "          scael: 25\n");

describe("compile reports everything in one pass", () => {
  test("a typo in stage 3 does not hide the 90 + 20 = 110 error in stage 2", () => {
    const ds = findings(canaryCopy((a) => TYPO_IN_STAGE_3(SUM_110(a))));
    const codes = ds.map((d) => d.code);
    assert.ok(codes.includes("schema"), JSON.stringify(ds));
    const sum = ds.find((d) => d.code === "traffic-percentages");
    assert.ok(sum, `traffic-percentages reported next to the schema error: ${JSON.stringify(ds)}`);
    assert.match(sum.message, /add up to 110/);
    assert.equal(sum.line, 29);
  });

  test("findings in stages after the broken one are reported too", () => {
    const ds = findings(canaryCopy((a) => TYPO_IN_STAGE_1(a).replace("          primary: 100\n", "          primary: 100\n          canary: 30\n")));
    assert.ok(ds.some((d) => d.code === "schema" && d.line === 26), JSON.stringify(ds));
    assert.ok(ds.some((d) => d.code === "traffic-percentages" && /add up to 130/.test(d.message)), JSON.stringify(ds));
  });

  test("a finding that rests on the broken stage is skipped, and only it", () => {
    // Stage 1 (the canary rollout) is broken: whether stage 2 routes traffic to a canary that
    // exists is unknown, so traffic-before-canary-rollout must not fire; stage 2's own sum must.
    const ds = findings(canaryCopy((a) => TYPO_IN_STAGE_1(SUM_110(a))));
    const codes = ds.map((d) => d.code);
    assert.ok(!codes.includes("traffic-before-canary-rollout"), JSON.stringify(ds));
    assert.ok(codes.includes("traffic-percentages"), JSON.stringify(ds));
  });

  test("the end of the pipeline is unknown when a stage is broken: no canary-not-cleaned", () => {
    const noClean = (a: string) => a.replace("      - name: ECS_CANARY_CLEAN\n", "");
    // Without the typo the warning is there (so the test below can fail) ...
    const clean = runCli(["compile", "--format", "json", canaryCopy(noClean)]);
    assert.ok(JSON.parse(clean.stdout).diagnostics.some((d: { code: string }) => d.code === "canary-not-cleaned"), clean.stdout);
    // ... with a broken stage it rests on an unknown stage, and is skipped.
    const ds = findings(canaryCopy((a) => TYPO_IN_STAGE_3(noClean(a))));
    assert.ok(!ds.some((d) => d.code === "canary-not-cleaned"), JSON.stringify(ds));
  });

  test("a broken key of spec.input skips the rules that read it, not the stage rules", () => {
    const ds = findings(
      canaryCopy((a) =>
        SUM_110(a).replace(
          "        containerPort: 80\n      canary:\n",
          "        containerPort: 80\n        contianerPort: 80\n      canary:\n",
        ),
      ),
    );
    assert.ok(ds.some((d) => d.code === "schema" && /contianerPort/.test(d.message)), JSON.stringify(ds));
    assert.ok(ds.some((d) => d.code === "traffic-percentages"), JSON.stringify(ds));
    assert.ok(!ds.some((d) => d.code === "ecs-target-groups" || d.code === "ecs-container-port"), JSON.stringify(ds));
  });

  test("an error outside spec (wrong kind) still stops everything after the schema", () => {
    const ds = findings(canaryCopy((a) => SUM_110(a).replace("kind: ECSApp", "kind: KubernetesApp")));
    assert.deepEqual([...new Set(ds.map((d) => d.code))], ["schema"]);
  });
});
