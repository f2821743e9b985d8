// `kanaria simulate`: run the simulator as a process.
//
//   kanaria simulate [--port N] [--host 127.0.0.1] [--scenario file.yaml] [--seed N]
//                    [--time-scale N] [--region R] [--account ID]

import { argv, exit, runtimeName } from "../platform/index.ts";
import { startSimulator, type SimulatorOptions } from "./index.ts";

declare const Deno: any;

const USAGE = `usage: kanaria simulate [--port N] [--host H] [--scenario FILE] [--seed N] [--time-scale N] [--region R] [--account ID]

Runs an in-memory stand-in for Amazon ECS, ELBv2 and Datadog (plus a Prometheus query API)
on one HTTP port. Point the AWS SDK's \`endpoint\` and the Datadog client's server at it.
Control API: GET /_sim/state, GET /_sim/clock, POST /_sim/faults, /_sim/behaviour, /_sim/reset.`;

export function parseSimulateArgs(args: string[]): SimulatorOptions | { help: true } | { error: string } {
  const options: SimulatorOptions = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const num = (v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`${flag} needs a number, got "${v}"`);
      return n;
    };
    try {
      switch (flag) {
        case "-h":
        case "--help":
          return { help: true };
        case "--port":
        case "-p":
          options.port = num(value());
          break;
        case "--host":
        case "--hostname":
          options.hostname = value();
          break;
        case "--scenario":
          options.scenario = value();
          break;
        case "--seed":
          options.seed = num(value());
          break;
        case "--time-scale":
          options.timeScale = num(value());
          break;
        case "--region":
          options.region = value();
          break;
        case "--account":
          options.accountId = value();
          break;
        default:
          return { error: `unknown option ${arg}` };
      }
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
  return options;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    if (runtimeName === "deno") {
      for (const sig of ["SIGINT", "SIGTERM"]) Deno.addSignalListener(sig, () => resolve(sig));
      return;
    }
    const proc = (globalThis as any).process;
    for (const sig of ["SIGINT", "SIGTERM"]) proc.once(sig, () => resolve(sig));
  });
}

export async function simulateCommand(args: string[]): Promise<number> {
  const parsed = parseSimulateArgs(args);
  if ("help" in parsed) {
    console.log(USAGE);
    return 0;
  }
  if ("error" in parsed) {
    console.error(`kanaria simulate: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator(parsed);
  } catch (e) {
    console.error(`kanaria simulate: ${(e as Error).message}`);
    return 1;
  }
  const now = sim.now();
  console.log(`kanaria simulator listening on ${sim.url} (simulated time ${new Date(now).toISOString()}, time scale ${sim.state.clock.timeScale}x, region ${sim.state.config.region}, account ${sim.state.config.accountId})`);
  const sig = await waitForSignal();
  console.error(`kanaria simulate: ${sig}, shutting down`);
  await sim.close();
  return 0;
}

if ((import.meta as any).main) {
  simulateCommand(argv()).then((code) => exit(code));
}
