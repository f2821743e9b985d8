// Hostile or careless input (issue 12): empty or scalar service/task definitions, references
// out of the repository, special files, inputs that made the compiler quadratic or its output
// unbounded, and header values / names that only failed at run time. From the outside: the real
// CLI (on the runtime running the tests), the language server, and compile() where the LSP uses it.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, ROOT } from "../helpers/cli.ts";
import { memoryReader } from "../helpers/memory-files.ts";
import { compile } from "../../compiler/compile.ts";
import { capDiagnostics, MAX_DIAGNOSTICS_PER_RULE, type Diagnostic } from "../../compiler/diagnostics.ts";
import { excerpt, formatText, MAX_EXCERPT_WIDTH } from "../../compiler/format/text.ts";
import { scanTemplate } from "../../compiler/template/scan.ts";
import { isWithin, referencePath } from "../../compiler/paths.ts";
import { MAX_INPUT_FILE_BYTES } from "../../compiler/cli/fs-reader.ts";
import { LspClient, uri } from "../lsp/client.ts";

/** Generous: these inputs used to hang the CLI forever; a loaded machine is still far quicker. */
const HANG = 120_000;
const SECRET = "c2VjcmV0LXJlZ2lzdHJ5LXBhc3N3b3Jk";

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** A folder holding a copy of examples/canary at `appDir` (relative), the app edited by `edit`. */
function workspace(edit: (app: string) => string = (a) => a, appDir = "."): { dir: string; app: string; appDir: string } {
  const dir = mkdtempSync(join(tmpdir(), "kanaria-hostile-"));
  temps.push(dir);
  const target = join(dir, appDir);
  mkdirSync(target, { recursive: true });
  cpSync(`${ROOT}examples/canary`, target, { recursive: true });
  const app = join(target, "app.pipecd.yaml");
  writeFileSync(app, edit(readFileSync(app, "utf8")));
  return { dir, app, appDir: target };
}

const json = (r: { stdout: string }) => JSON.parse(r.stdout) as { diagnostics: Diagnostic[]; apps: { graph: unknown }[] };
const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("empty, null or scalar service/task definition files are errors (item 12)", () => {
  for (const [name, text] of [["empty", ""], ["only a comment", "# nothing yet\n"], ["null", "null\n"], ["a word", "hello\n"], ["a list", "- family: web\n"]] as const) {
    test(`taskdef that is ${name}: exit 1, schema error at taskdef.yaml:1:1 saying what it must hold`, () => {
      const ws = workspace();
      writeFileSync(join(ws.appDir, "taskdef.yaml"), text);
      const r = runCli(["compile", "--format", "json", ws.dir]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const out = json(r);
      const d = out.diagnostics.find((x) => x.file.endsWith("taskdef.yaml"));
      assert.ok(d, JSON.stringify(out.diagnostics));
      assert.equal(d.code, "schema");
      assert.deepEqual([d.line, d.column], [1, 1]);
      assert.match(d.message, /must hold an ECS task definition: a mapping with the RegisterTaskDefinition fields \(family, containerDefinitions/);
      assert.equal(out.apps[0].graph, null, "no graph with taskDefinition: {}");
    });
  }

  test("an empty servicedef too, in the text output with file:1:1", () => {
    const ws = workspace();
    writeFileSync(join(ws.appDir, "servicedef.yaml"), "");
    const r = runCli(["compile", ws.dir]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /servicedef\.yaml:1:1 error schema This file holds nothing .* must hold an ECS service definition/);
  });

  test("deploy --simulate of an app with an empty taskdef stops at the compile error (exit 1, no crash)", () => {
    const ws = workspace();
    writeFileSync(join(ws.appDir, "taskdef.yaml"), "");
    const r = runCli(["deploy", ws.dir, "--simulate"], { timeoutMs: HANG });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /taskdef\.yaml:1:1 error schema/);
    assert.match(r.stderr, /has errors; fix them first/);
    assert.doesNotMatch(r.stderr + r.stdout, /internal error/);
  });

  test("compile() (as the LSP calls it): a null servicedef is reported in that file", () => {
    const app = readFileSync(`${ROOT}examples/canary/app.pipecd.yaml`, "utf8");
    const r = compile({ appPath: "app/app.pipecd.yaml", readFile: memoryReader({ "app.pipecd.yaml": app, "servicedef.yaml": "~\n", "taskdef.yaml": readFileSync(`${ROOT}examples/canary/taskdef.yaml`, "utf8") }), root: "app", graph: false });
    assert.deepEqual(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`), ["app/servicedef.yaml:1:1 schema"]);
  });
});

describe("referenced files outside the repository are refused, unread (item 13)", () => {
  /** A repository (`.git` folder or worktree `.git` file) with the app two folders down, and a secret beside it. */
  function repoWithSecret(gitKind: "folder" | "worktree-file", ref = "../../../secret/config.json") {
    const ws = workspace((a) => a.replace("taskDefinitionFile: taskdef.yaml", `taskDefinitionFile: ${ref}`), "repo/apps/web");
    const repo = join(ws.dir, "repo");
    if (gitKind === "folder") mkdirSync(join(repo, ".git"));
    else writeFileSync(join(repo, ".git"), `gitdir: ${ws.dir}/main/.git/worktrees/repo\n`);
    mkdirSync(join(ws.dir, "secret"));
    writeFileSync(join(ws.dir, "secret/config.json"), `{"auths":{"registry.example":{"auth":"${SECRET}"}}}\n`);
    return { ...ws, repo };
  }

  for (const gitKind of ["folder", "worktree-file"] as const) {
    test(`../ out of the Git top level (.git ${gitKind}): file-outside-repository at the reference, content never shown`, () => {
      const ws = repoWithSecret(gitKind);
      const line = lineOf(readFileSync(ws.app, "utf8"), "taskDefinitionFile:");
      for (const format of ["text", "json", "sarif", "github"]) {
        const r = runCli(["compile", "--format", format, ws.appDir]);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.ok(!(r.stdout + r.stderr).includes(SECRET), `${format} output shows the secret:\n${r.stdout}`);
        assert.ok(!(r.stdout + r.stderr).includes("auths"), `${format} output shows the file's content`);
        assert.match(r.stdout, /file-outside-repository/);
      }
      const d = json(runCli(["compile", "--format", "json", ws.appDir])).diagnostics;
      assert.deepEqual(d.map((x) => [x.file, x.line, x.column, x.code]), [[ws.app, line, 25, "file-outside-repository"]]);
      assert.match(d[0].message, new RegExp(`outside the repository \\(its root: ${ws.repo}\\)`));
    });
  }

  test("plan, graph and deploy refuse it the same way", () => {
    const ws = repoWithSecret("folder");
    for (const args of [["plan", ws.appDir], ["graph", ws.appDir], ["deploy", ws.appDir, "--simulate"]]) {
      const r = runCli(args, { timeoutMs: HANG });
      assert.equal(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /file-outside-repository/, args[0]);
      assert.ok(!(r.stdout + r.stderr).includes(SECRET), args[0]);
    }
  });

  test("--root DIR moves the boundary (and a --root that is no folder is a usage error)", () => {
    const ws = repoWithSecret("folder");
    const r = runCli(["compile", "--format", "json", "--root", ws.dir, ws.appDir]);
    const codes = json(r).diagnostics.map((d) => d.code);
    assert.ok(!codes.includes("file-outside-repository"), codes.join());
    assert.ok(codes.includes("schema"), "the file was read and checked against the task definition schema");
    assert.equal(runCli(["compile", "--root", join(ws.dir, "nope"), ws.appDir]).code, 2);
    assert.equal(runCli(["plan", "--root", ws.app, ws.appDir]).code, 2);
  });

  test("a symbolic link inside the repository that points outside counts as outside", () => {
    const ws = repoWithSecret("folder", "taskdef.yaml");
    rmSync(join(ws.appDir, "taskdef.yaml"));
    symlinkSync(join(ws.dir, "secret/config.json"), join(ws.appDir, "taskdef.yaml"));
    const r = runCli(["compile", ws.appDir]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /app\.pipecd\.yaml:12:25 error file-not-found .*taskdef\.yaml resolves \(through a symbolic link\) to a file outside the repository root/);
    assert.ok(!r.stdout.includes(SECRET));
    // A link that stays inside the repository is fine.
    rmSync(join(ws.appDir, "taskdef.yaml"));
    cpSync(`${ROOT}examples/canary/taskdef.yaml`, join(ws.repo, "shared-taskdef.yaml"));
    symlinkSync(join(ws.repo, "shared-taskdef.yaml"), join(ws.appDir, "taskdef.yaml"));
    assert.equal(runCli(["compile", ws.appDir]).code, 0);
  });

  test("without Git or --root, the app's own folder is the root; a leading / is the app folder, as in PipeCD", () => {
    const up = workspace((a) => a.replace("taskDefinitionFile: taskdef.yaml", "taskDefinitionFile: ../taskdef.yaml"), "app");
    cpSync(`${ROOT}examples/canary/taskdef.yaml`, join(up.dir, "taskdef.yaml"));
    const r = runCli(["compile", up.appDir]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /file-outside-repository/);
    const slash = workspace((a) => a.replace("taskDefinitionFile: taskdef.yaml", "taskDefinitionFile: /taskdef.yaml"));
    const ok = runCli(["compile", slash.dir]);
    assert.equal(ok.code, 0, ok.stdout);
  });

  test("relative paths from inside the repository: the root is compared in the same form", () => {
    const ws = repoWithSecret("folder", "../../shared/taskdef.yaml");
    mkdirSync(join(ws.repo, "shared"));
    cpSync(`${ROOT}examples/canary/taskdef.yaml`, join(ws.repo, "shared/taskdef.yaml"));
    // cwd inside the app folder: app path "app.pipecd.yaml", root "../..".
    const r = runCli(["compile", "app.pipecd.yaml"], { cwd: ws.appDir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = runCli(["compile", "app.pipecd.yaml"], { cwd: join(ws.repo, "apps") });
    assert.equal(out.code, 2, "no such file from there: usage error");
  });

  test("paths: isWithin and referencePath", () => {
    assert.equal(referencePath("app", "/dev/zero"), "app/dev/zero");
    assert.equal(referencePath("app", "../../x"), "../x");
    const cases: [string, string, boolean][] = [
      ["app/x", "app", true], ["app", "app", true], ["appx/y", "app", false], ["../x", ".", false],
      ["../../y", "../..", true], ["../../../y", "../..", false], ["canary/t.yaml", "..", true], ["/a/b", "/a", true], ["/ab", "/a", false], ["x", "/a", false],
    ];
    for (const [p, r, want] of cases) assert.equal(isWithin(p, r), want, `${p} within ${r}`);
  });

  test("an analysis template above the repository root is not looked for", () => {
    const canary = (f: string) => readFileSync(`${ROOT}examples/canary/${f}`, "utf8");
    const app = canary("app.pipecd.yaml").replace(/ {10}metrics:\n[\s\S]*?(?= {6}- name: ECS_PRIMARY_ROLLOUT)/, "          metrics:\n            - template:\n                name: errors\n");
    const template = "apiVersion: pipecd.dev/v1beta1\nkind: AnalysisTemplate\nspec:\n  metrics:\n    errors:\n      provider: datadog\n      interval: 1m\n      query: sum:errors{tg:<< .Variant.TargetGroup >>}\n      expected:\n        max: 0.01\n";
    const files = {
      "repo/app/app.pipecd.yaml": app,
      "repo/app/servicedef.yaml": canary("servicedef.yaml"),
      "repo/app/taskdef.yaml": canary("taskdef.yaml"),
      ".pipe/analysis-template.yaml": template,
    };
    const read = memoryReader(files, "w");
    const outside = compile({ appPath: "w/repo/app/app.pipecd.yaml", readFile: read, root: "w/repo", graph: false });
    assert.ok(outside.diagnostics.some((d) => d.code === "file-not-found" && /analysis-template\.yaml/.test(d.message)), JSON.stringify(outside.diagnostics));
    assert.ok(![...outside.files.keys()].includes("w/.pipe/analysis-template.yaml"));
    const inside = compile({ appPath: "w/repo/app/app.pipecd.yaml", readFile: read, root: "w", graph: false });
    assert.deepEqual(inside.diagnostics, []);
  });
});

describe("special files and large files are not read (item 14)", () => {
  function withTaskdef(make: (path: string) => void) {
    const ws = workspace();
    const p = join(ws.appDir, "taskdef.yaml");
    rmSync(p);
    make(p);
    return ws;
  }
  const cases: [string, (p: string) => void, RegExp][] = [
    ["/dev/zero (through a link)", (p) => symlinkSync("/dev/zero", p), /is a device: Kanaria reads only regular files/],
    ["/dev/urandom (through a link)", (p) => symlinkSync("/dev/urandom", p), /is a device/],
    ["a FIFO", (p) => assert.equal(spawnSync("mkfifo", [p]).status, 0, "mkfifo"), /is a named pipe \(FIFO\)/],
    ["a folder", (p) => mkdirSync(p), /is a folder/],
    ["a file over the size limit", (p) => writeFileSync(p, `family: web\n#${"x".repeat(MAX_INPUT_FILE_BYTES)}\n`), /larger than 1048576 bytes \(1 MiB\)/],
  ];
  for (const [name, make, why] of cases) {
    test(`taskdef that is ${name}: file-not-found saying why, at once`, () => {
      const ws = withTaskdef(make);
      const r = runCli(["compile", ws.dir], { timeoutMs: HANG });
      assert.equal(r.code, 1, `exit ${r.code}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /app\.pipecd\.yaml:12:25 error file-not-found Cannot use task definition "taskdef\.yaml": /);
      assert.match(r.stdout, why);
      assert.ok(r.stdout.length < 5000, "the content is never shown");
    });
  }

  test("--config and --token-file go through the same reader: a FIFO is refused, not waited on", () => {
    const ws = workspace();
    const fifo = join(ws.dir, "runtime.yaml");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    const compileR = runCli(["compile", "--config", fifo, ws.dir], { timeoutMs: HANG });
    assert.equal(compileR.code, 2, compileR.stdout + compileR.stderr);
    assert.match(compileR.stderr, /cannot read runtime config .*runtime\.yaml is a named pipe \(FIFO\)/);
    const deploy = runCli(["deploy", ws.dir, "--config", fifo], { timeoutMs: HANG });
    assert.equal(deploy.code, 2, deploy.stdout + deploy.stderr);
    assert.match(deploy.stderr, /Cannot read the runtime config: .*is a named pipe/);
    const token = runCli(["deploy", ws.dir, "--server", "http://127.0.0.1:9", "--token-file", "/dev/zero"], { timeoutMs: HANG });
    assert.equal(token.code, 2, token.stdout + token.stderr);
    assert.match(token.stderr, /Cannot read the token file: \/dev\/zero is a device/);
  });

  test("a file just under the limit is read", () => {
    const ws = withTaskdef((p) => writeFileSync(p, readFileSync(`${ROOT}examples/canary/taskdef.yaml`, "utf8") + `#${"x".repeat(MAX_INPUT_FILE_BYTES - 2000)}\n`));
    const r = runCli(["compile", ws.dir]);
    assert.equal(r.code, 0, r.stdout);
  });

  test("the language server reads referenced files through the same guard (a FIFO and /dev/zero do not hang it)", async () => {
    const ws = workspace();
    rmSync(join(ws.appDir, "taskdef.yaml"));
    assert.equal(spawnSync("mkfifo", [join(ws.appDir, "taskdef.yaml")]).status, 0);
    symlinkSync("/dev/zero", join(ws.appDir, "zero.yaml"));
    const client = LspClient.kanaria({ cwd: ws.dir });
    try {
      await client.initialize({ rootUri: uri(ws.dir) });
      const text = readFileSync(ws.app, "utf8");
      const u = client.open(ws.app, text, 1);
      const d1 = await client.diagnostics(u, 1, 0, 60_000);
      assert.deepEqual(d1.diagnostics.map((d: any) => d.code), ["file-not-found"]);
      assert.match(d1.diagnostics[0].message, /named pipe/);
      const since = client.notifications.length;
      client.change(u, 2, text.replace("taskDefinitionFile: taskdef.yaml", "taskDefinitionFile: zero.yaml").replace("serviceDefinitionFile: servicedef.yaml", "serviceDefinitionFile: ../../../../etc/passwd"));
      const d2 = await client.diagnostics(u, 2, since, 60_000);
      assert.deepEqual(d2.diagnostics.map((d: any) => d.code).sort(), ["file-not-found", "file-outside-repository"]);
      assert.ok(d2.diagnostics.some((d: any) => /is a device/.test(d.message)));
      // Go to definition does not lead out of the repository either.
      const line = text.split("\n").findIndex((l) => l.includes("serviceDefinitionFile:"));
      const def = await client.request("textDocument/definition", { textDocument: { uri: u }, position: { line, character: 30 } });
      assert.equal(def, null);
    } finally {
      assert.equal(await client.stop(), 0, client.stderr.join(""));
    }
  });
});

describe("linear template scanning and bounded output (item 15)", () => {
  const unclosed = (n: number) => workspace((a) => a.replace(/query: sum:aws.*/, `query: "${"<<".repeat(n)}"`));

  test("40,000 unclosed << : 50 template-syntax errors and one saying how many more, text output bounded", () => {
    const ws = unclosed(40_000);
    const r = runCli(["compile", "--format", "json", ws.dir], { timeoutMs: HANG });
    assert.equal(r.code, 1, r.stderr);
    const ds = json(r).diagnostics;
    assert.equal(ds.length, MAX_DIAGNOSTICS_PER_RULE + 1);
    assert.ok(ds.every((d) => d.code === "template-syntax"));
    const line = lineOf(readFileSync(ws.app, "utf8"), "query:");
    // Every "<<" is located exactly: columns 23, 25, 27, ... (the value starts after the quote).
    assert.deepEqual(ds.slice(0, 3).map((d) => [d.line, d.column, d.endColumn]), [[line, 23, 25], [line, 25, 27], [line, 27, 29]]);
    assert.match(ds[MAX_DIAGNOSTICS_PER_RULE].message, /^39950 more template-syntax findings in this file/);
    assert.ok(r.stdout.length < 100_000, `JSON output is ${r.stdout.length} bytes`);
    const text = runCli(["compile", ws.dir], { timeoutMs: HANG });
    assert.equal(text.code, 1, text.stderr.slice(0, 2000));
    assert.ok(text.stdout.length < 100_000, `text output is ${text.stdout.length} bytes`);
    assert.match(text.stdout, /1 app checked: 51 errors/);
  });

  test("100 KB of [ : at most 51 yaml-syntax diagnostics, excerpts cut to a window", () => {
    const ws = workspace();
    writeFileSync(ws.app, "[".repeat(100_000));
    const j = runCli(["compile", "--format", "json", ws.dir], { timeoutMs: HANG });
    assert.equal(j.code, 1);
    const ds = json(j).diagnostics;
    assert.ok(ds.length <= MAX_DIAGNOSTICS_PER_RULE + 1 && ds.length > 1, String(ds.length));
    assert.match(ds[ds.length - 1].message, /more yaml-syntax findings in this file/);
    const t = runCli(["compile", ws.dir], { timeoutMs: HANG });
    assert.equal(t.code, 1);
    assert.ok(t.stdout.length < 100_000, `text output is ${t.stdout.length} bytes`);
    for (const l of t.stdout.split("\n")) assert.ok(l.length < 400, `line of ${l.length} characters`);
  });

  test("scanTemplate finds every unclosed << and the expressions after it", () => {
    const q = `${"<<".repeat(1000)}x << .Variant.Name >> << bad >> {{ .App.Name }}`;
    const { exprs, problems } = scanTemplate(q);
    assert.equal(problems.length, 1001);
    assert.deepEqual(problems.slice(0, 3).map((p) => p.start), [0, 2, 4]);
    assert.match(problems[1000].message, /Invalid template expression "<< bad >>"/);
    assert.deepEqual(exprs.map((e) => [e.text, e.legacy]), [["<< .Variant.Name >>", false], ["{{ .App.Name }}", true]]);
    assert.equal(scanTemplate(`<< ${"x".repeat(10_000)} >>`).problems[0].message.length < 250, true, "long expressions are cut in messages");
  });

  test("capDiagnostics: 50 per file and rule, then one with the count and the worst severity", () => {
    const d = (file: string, code: string, line: number, severity: Diagnostic["severity"] = "warning"): Diagnostic => ({ file, code, line, column: 1, endLine: line, endColumn: 2, severity, message: "m" });
    const input = [...Array.from({ length: 120 }, (_, i) => d("a", "x", i + 1, i === 100 ? "error" : "warning")), d("a", "y", 1), d("b", "x", 1)];
    const out = capDiagnostics(input);
    assert.equal(out.length, 50 + 1 + 1 + 1);
    const more = out.find((x) => x.message.startsWith("70 more x findings"));
    assert.ok(more);
    assert.deepEqual([more.file, more.line, more.severity], ["a", 51, "error"]);
  });

  test("text excerpts of long lines are cut around the column, caret still under it", () => {
    const line = `${"a".repeat(5000)}BAD${"b".repeat(5000)}`;
    const out = formatText([{ file: "f", line: 1, column: 5001, endLine: 1, endColumn: 5004, severity: "error", code: "schema", message: "m" }], { color: false, texts: new Map([["f", line]]) });
    const [, src, caret] = out.split("\n");
    assert.ok(src.length < MAX_EXCERPT_WIDTH + 20, `excerpt of ${src.length} characters`);
    assert.match(src, /^ 1 \| …a+BADb+…$/);
    assert.equal(caret.indexOf("^"), src.indexOf("BAD"));
    assert.match(caret, /\^\^\^$/);
    assert.deepEqual(excerpt("short", 3, 2), { text: "short", caret: 2, width: 2 });
  });
});

describe("header values with CR/LF and names with NUL are compile errors (item 16)", () => {
  const app = readFileSync(`${ROOT}examples/canary/app.pipecd.yaml`, "utf8");
  const taskdef = readFileSync(`${ROOT}examples/canary/taskdef.yaml`, "utf8");
  const servicedef = readFileSync(`${ROOT}examples/canary/servicedef.yaml`, "utf8");
  const httpStage = (headers: string, method = "GET") =>
    app.replace(
      "      - name: ECS_PRIMARY_ROLLOUT",
      `      - name: ANALYSIS\n        with:\n          duration: 2m\n          https:\n            - url: http://127.0.0.1:9/health\n              method: ${method}\n              interval: 1m\n              headers:\n${headers}      - name: ECS_PRIMARY_ROLLOUT`,
    );
  const check = (files: Record<string, string>) =>
    compile({ appPath: "app/app.pipecd.yaml", readFile: memoryReader({ "app.pipecd.yaml": app, "taskdef.yaml": taskdef, "servicedef.yaml": servicedef, ...files }), root: "app", graph: false }).diagnostics.map(
      (d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`,
    );

  test("the CLI: CR/LF in a header value and NUL in a header name, with positions; deploy never starts", () => {
    const ws = workspace(() => httpStage(`                - key: X-Env\n                  value: "prod\\r\\nX-Injected: 1"\n                - key: "X-Bad\\0Name"\n                  value: ok\n`));
    const text = readFileSync(ws.app, "utf8");
    const r = runCli(["compile", "--format", "json", ws.dir]);
    assert.equal(r.code, 1, r.stdout);
    const ds = json(r).diagnostics.map((d) => [d.line, d.column, d.code]);
    assert.deepEqual(ds, [[lineOf(text, 'value: "prod'), 26, "schema"], [lineOf(text, "X-Bad"), 24, "schema"]]);
    const deploy = runCli(["deploy", ws.dir, "--simulate"], { timeoutMs: HANG });
    assert.equal(deploy.code, 1);
    assert.match(deploy.stderr, /must not contain a line break \(CR, LF\) or a NUL byte/);
    assert.doesNotMatch(deploy.stdout + deploy.stderr, /ROLLED_BACK|ROLLING_BACK/);
  });

  test("header names and methods are HTTP tokens; values may hold anything but CR, LF and NUL", () => {
    assert.deepEqual(check({ "app.pipecd.yaml": httpStage(`                - key: X-Env\n                  value: "a\\tb << .App.Name >> {x:y}"\n`) }), []);
    const bad = check({ "app.pipecd.yaml": httpStage(`                - key: "X Env"\n                  value: "a\\nb"\n`, '"GE T"') });
    assert.equal(bad.length, 3, bad.join("\n"));
    assert.ok(bad.some((m) => /method\. Header names and methods are HTTP tokens/.test(m)));
    assert.ok(bad.some((m) => /headers\[0\]\.key\. Header names and methods are HTTP tokens/.test(m)));
    assert.ok(bad.some((m) => /headers\[0\]\.value\. A header value must not contain a line break/.test(m)));
  });

  test("a variable that brings a line break into a header value is caught after expansion", () => {
    const withLabel = httpStage(`                - key: X-Team\n                  value: "<< .App.Labels.team >>"\n`).replace("team: payments", 'team: "pay\\r\\nments"');
    const ds = check({ "app.pipecd.yaml": withLabel });
    assert.equal(ds.length, 1, ds.join("\n"));
    assert.match(ds[0], new RegExp(`^app/app.pipecd.yaml:${lineOf(withLabel, "<< .App.Labels.team >>")}:26 schema This header value expands to a text with a line break`));
  });

  test("NUL and other control characters in names sent to AWS: app, servicedef and taskdef", () => {
    const inApp = check({ "app.pipecd.yaml": app.replace("containerName: web\n", 'containerName: "web\\0"\n') });
    assert.deepEqual(inApp.length, 1, inApp.join("\n"));
    assert.match(inApp[0], /^app\/app\.pipecd\.yaml:16:24 schema "web\\u0000" is not valid for spec\.input\.targetGroups\.primary\.containerName\. Names, IDs and ARNs sent to AWS must not contain control characters/);
    const ds = check({
      "servicedef.yaml": servicedef.replace("serviceName: web", 'serviceName: "web\\0x"'),
      "taskdef.yaml": taskdef.replace("family: web", 'family: "web\\nx"'),
    });
    assert.ok(ds.some((m) => /^app\/servicedef\.yaml:4:\d+ schema .*serviceName\. Names, IDs and ARNs/.test(m)), ds.join("\n"));
    assert.ok(ds.some((m) => /^app\/taskdef\.yaml:1:\d+ schema .*family\. Names, IDs and ARNs/.test(m)), ds.join("\n"));
  });
});
