// The simulator suite's external mode, run for real: the suite is pointed at an endpoint it did
// not start (KANARIA_TEST_AWS_ENDPOINT, here a simulator in this process standing in for an
// account or another emulator) with the network an account would name (KANARIA_TEST_VPC_ID,
// KANARIA_TEST_SUBNETS, KANARIA_TEST_SECURITY_GROUPS). Every test that does not need the
// simulator's /_sim/ control API must run and pass against it, in the network it was given.
// Bun-only: it runs the suite with `bun test`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { type Simulator, startSimulator } from "../../runtime/simulator/index.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SUITE = ["ecs", "elbv2", "faults", "metrics"].map((f) => `./test/simulator/${f}.test.ts`);
const SUBNETS = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"];
const SECURITY_GROUPS = ["sg-0bbbbbbbbbbbbbbb1"];
const VPC = "vpc-0ccccccccccccccc1";

describe("simulator suite against an external endpoint", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ seed: 11, timeScale: 600, deregistrationDelayMs: 3_000_000 });
  });
  after(async () => {
    await sim.close();
  });

  test("runs every test that needs no control API, in the account's network", { timeout: 240_000 }, async () => {
    // Asynchronously: the endpoint answers from this process's event loop.
    const child = spawn(`${ROOT}node_modules/.bin/bun`, ["test", "--timeout", "120000", ...SUITE], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        NO_COLOR: "1",
        KANARIA_TEST_AWS_ENDPOINT: sim.url,
        KANARIA_TEST_SUBNETS: SUBNETS.join(", "),
        KANARIA_TEST_SECURITY_GROUPS: SECURITY_GROUPS.join(","),
        KANARIA_TEST_VPC_ID: VPC,
      },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(status, 0, out);
    const count = (word: string) => Number(new RegExp(`^\\s*(\\d+) ${word}$`, "m").exec(out)?.[1] ?? 0);
    assert.equal(count("fail"), 0, out);
    assert.ok(count("pass") >= 15, `only ${count("pass")} tests ran against the endpoint:\n${out}`);
    // What skips is exactly what needs /_sim/: the fault and clock tests and the traffic model.
    const skipped = [...out.matchAll(/^\(skip\) (.+)$/gm)].map((m) => m[1]);
    assert.ok(skipped.length > 0 && skipped.every((name) => /simulator: faults|traffic|metrics|Datadog/i.test(name)), skipped.join("\n"));

    // The world was built in the network the environment named, on the endpoint's side.
    const lbs = [...sim.state.loadBalancers.values()];
    assert.ok(lbs.length > 0, "no load balancer was created on the external endpoint");
    for (const lb of lbs) assert.deepEqual(lb.subnets, SUBNETS);
    assert.ok(lbs.some((lb) => JSON.stringify(lb.securityGroups) === JSON.stringify(SECURITY_GROUPS)));
    const tgs = [...sim.state.targetGroups.values()];
    assert.ok(tgs.some((tg) => tg.vpcId === VPC), "target groups are created in KANARIA_TEST_VPC_ID");
  });
});
