// Issue 14.7: `kanaria deploy` in a real 80-column terminal (tmux): every line fits, colour on a
// terminal (none with NO_COLOR), the failure printed once, a ticking line during a WAIT, and at a
// WAIT_APPROVAL the `kanaria approve` command to run, which, run as printed, approves it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliCommand, runCli, startCli, until } from "../helpers/cli.ts";
import { freePort } from "../helpers/net.ts";
import { startTmux, tmuxRequirement, type TmuxSession } from "../helpers/tmux.ts";

const kanaria = (args: string[]) => {
  const [cmd, argv] = cliCommand(args);
  return [cmd, ...argv].map((a) => `'${a}'`).join(" ");
};
const lines = (screen: string) => screen.split("\n").map((l) => l.trimEnd());

describe("kanaria deploy in a terminal", { ...tmuxRequirement() }, () => {
  const sessions: TmuxSession[] = [];
  const term = (command: string, o: Parameters<typeof startTmux>[1]) => {
    const s = startTmux(command, o);
    sessions.push(s);
    return s;
  };
  after(() => {
    for (const s of sessions) s.close();
  });

  test("80 columns: every line fits, states in colour, the failure once", async () => {
    const t = term(kanaria(["deploy", "examples/canary", "--simulate", "--time-scale", "60", "--error-rate", "0.3"]), { columns: 80, rows: 60 });
    await t.waitFor(/EXIT=1/);
    const screen = t.capture();
    // Deno warns about a dependency's use of `punycode` on stderr: not Kanaria's line.
    const long = lines(screen).filter((l) => [...l].length > 80 && !/DeprecationWarning: The `punycode` module/.test(l));
    assert.deepEqual(long, [], `lines wider than the terminal:\n${screen}`);
    assert.match(screen, /ANALYSIS\s+FAILED/);
    assert.match(screen, /deployment\s+ROLLED_BACK/);
    assert.equal(screen.split("AnalysisFailed").length - 1, 1, `the failure is printed once:\n${screen}`);
    assert.match(screen, /datadog #2 fail: value 0\.3 is above max 0\.01 \(failures 2, limit 1\)/, screen);
    // One line per event: each node's RUNNING and SUCCEEDED appear once, each on its own line.
    for (const node of ["stage-0", "stage-1", "rollback-traffic", "rollback-clean"]) {
      assert.equal(lines(screen).filter((l) => new RegExp(`^\\s+[\\d.]+s ${node}\\s.*SUCCEEDED`).test(l)).length, 1, `${node}:\n${screen}`);
    }
    const colored = t.capture(true);
    // tmux re-encodes the attributes it keeps per cell: red, maybe followed by a default background.
    assert.match(colored, /\x1b\[31m(\x1b\[\d+m)*FAILED/, `FAILED in red:\n${JSON.stringify(colored.slice(0, 2000))}`);
    assert.match(colored, /\x1b\[32m(\x1b\[\d+m)*SUCCEEDED/, "SUCCEEDED in green");
  });

  test("NO_COLOR: no colour; a wider terminal gets longer lines", async () => {
    const t = term(kanaria(["deploy", "examples/canary", "--simulate", "--time-scale", "60"]), { columns: 160, rows: 60, env: { NO_COLOR: "1" } });
    await t.waitFor(/EXIT=0/);
    const colored = t.capture(true);
    assert.ok(!/\x1b\[3\dm/.test(colored), `no colour with NO_COLOR:\n${JSON.stringify(colored.slice(0, 1000))}`);
    const screen = t.capture();
    assert.ok(
      lines(screen).some((l) => l.length > 80 && l.length <= 160),
      `the width is used:\n${screen}`,
    );
    assert.match(screen, /stage-0\s+ECS_CANARY_ROLLOUT\s+SUCCEEDED\s+100\/0\s+canary task set ecs-svc\/\d+ at 25% is steady/);
  });

  test("a WAIT ticks: the live line shows the stage and its time, and it moves", async () => {
    // WAIT 5m at 30x: 10 s of real time.
    const t = term(kanaria(["deploy", "examples/canary-wait", "--simulate", "--time-scale", "30"]), { columns: 80, rows: 40 });
    const first = (await t.waitFor(/running: \S+ WAIT (\d+)s/))[0];
    const next = await until("the live line to change", () => {
      const m = /running: \S+ WAIT (\d+)s/.exec(t.capture());
      return m && m[0] !== first ? m[0] : null;
    });
    assert.notEqual(next, first);
    await t.waitFor(/EXIT=0/);
    // Once the deployment ended, the live line is gone.
    assert.doesNotMatch(t.capture(), /running:/);
  });

  describe("WAIT_APPROVAL on kanaria serve", () => {
    const dir = mkdtempSync(join(tmpdir(), "kanaria-term-"));
    const tokens = { alice: "alice-token-0123456789abcdef", bob: "bob-token-0123456789abcdef" };
    let server: ReturnType<typeof startCli>;
    let url: string;
    before(async () => {
      writeFileSync(join(dir, "server-token"), "server-token-0123456789abcdef");
      writeFileSync(join(dir, "approvers.yaml"), Object.entries(tokens).map(([n, t]) => `${t}: ${n}`).join("\n"));
      for (const [n, t] of Object.entries(tokens)) writeFileSync(join(dir, `${n}.token`), t);
      writeFileSync(join(dir, "runtime.yaml"), "apiVersion: kanaria.dev/v1alpha1\nkind: Runtime\nspec:\n  server:\n    tokenFile: server-token\n    approvers: { tokensFile: approvers.yaml }\n");
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      server = startCli(["serve", "--simulate", "--config", join(dir, "runtime.yaml"), "--address", `127.0.0.1:${port}`, "--data", join(dir, "data"), "--time-scale", "60"]);
      await until("kanaria serve", async () => (await fetch(`${url}/healthz`)).ok || null, 120_000);
    });
    after(async () => {
      server?.child.kill("SIGTERM");
      await server?.exited;
      rmSync(dir, { recursive: true, force: true });
    });

    test("the approve command is printed, and running it as printed approves", async () => {
      const t = term(kanaria(["deploy", "examples/wait-approval", "--server", url, "--token-file", join(dir, "server-token")]), { columns: 80, rows: 40 });
      const m = await t.waitFor(/waiting for approval; each approver runs:\n\s+kanaria approve (d-\S+) \\\n\s+--server (\S+) \\\n\s+--token-file (\S+)/);
      assert.equal(m[2], url);
      assert.equal(m[3], "YOUR_APPROVER_TOKEN_FILE");
      for (const who of ["alice", "bob"]) {
        const r = runCli(["approve", m[1], "--server", m[2], "--token-file", join(dir, `${who}.token`)]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
      }
      await t.waitFor(/EXIT=\d+/);
      const screen = t.capture();
      assert.match(screen, /EXIT=0/, screen);
      assert.match(screen, /WAIT_APPROVAL\s+SUCCEEDED/);
      assert.deepEqual(lines(screen).filter((l) => [...l].length > 80 && !/DeprecationWarning: The `punycode` module/.test(l)), [], screen);
    });
  });
});
