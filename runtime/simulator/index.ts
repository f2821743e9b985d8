// Public entry point: start the simulator in-process.
//
//   const sim = await startSimulator({ scenario: "runtime/simulator/scenarios/canary.yaml", timeScale: 60 });
//   new ECSClient({ region: "us-east-1", endpoint: sim.url, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
//   ...
//   await sim.close();

import { readFile } from "node:fs/promises";
import { createClock } from "./clock.ts";
import { reconcile } from "./ecs/task-sets.ts";
import type { FaultRule } from "./faults.ts";
import { validateFaultRule } from "./faults.ts";
import { clearTrafficCache } from "./metrics/traffic-model.ts";
import { serve } from "../platform/index.ts";
import { applyScenario, parseScenario, type Scenario, scenarioConfig } from "./scenario.ts";
import { createHandler } from "./server.ts";
import type { SimContext } from "./control.ts";
import { type Behaviour, createState, setBehaviour, type SimConfig, type SimState } from "./state.ts";

export interface SimulatorOptions extends Partial<Omit<SimConfig, "defaultBehaviour">> {
  /** Default 127.0.0.1. */
  hostname?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** A scenario file path (YAML/JSON), its text (if it contains a newline), or a parsed object. */
  scenario?: string | Scenario;
  /** Simulated ms per real ms (60 = a simulated minute per second; 0 = only `advance` moves time). */
  timeScale?: number;
  /** Simulated epoch ms at start; default now. */
  startTime?: number;
  faults?: FaultRule[];
  behaviours?: Record<string, Behaviour>;
  defaultBehaviour?: Behaviour;
}

export interface Simulator {
  url: string;
  port: number;
  /** The live state (the same object across resets). */
  readonly state: SimState;
  /** Simulated epoch ms. */
  now(): number;
  advance(ms: number): void;
  setBehaviour(key: string, behaviour: Behaviour): void;
  setFaults(faults: FaultRule[]): void;
  reset(): Promise<void>;
  /** The fetch handler, for calling without a socket. */
  handler: (req: Request) => Promise<Response>;
  close(): Promise<void>;
}

export async function loadScenario(ref: string | Scenario): Promise<Scenario> {
  if (typeof ref !== "string") return ref;
  return parseScenario(ref.includes("\n") ? ref : await readFile(ref, "utf8"));
}

/** Build a fresh state from options (+ scenario). Exposed for tests that skip HTTP. */
export function buildState(options: SimulatorOptions, scenario?: Scenario): SimState {
  const fromScenario = scenario ? scenarioConfig(scenario) : { config: {} };
  const { hostname: _h, port: _p, scenario: _s, timeScale, startTime, faults, behaviours, defaultBehaviour, ...config } = options;
  const clock = createClock({ timeScale: timeScale ?? fromScenario.timeScale ?? 1, startTime: startTime ?? fromScenario.startTime });
  const merged: Partial<SimConfig> = { ...fromScenario.config, ...config };
  if (defaultBehaviour) merged.defaultBehaviour = { errorRate: 0, latencyMs: 25, unhealthy: false, ...defaultBehaviour };
  const s = createState(merged, clock);
  if (scenario) applyScenario(s, scenario);
  for (const [key, b] of Object.entries(behaviours ?? {})) setBehaviour(s, key, b, 0);
  if (faults) s.faults = faults.map(validateFaultRule);
  reconcile(s);
  return s;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const scenario = options.scenario !== undefined ? await loadScenario(options.scenario) : undefined;
  const state = buildState(options, scenario);
  const ctx: SimContext = {
    state,
    async reset() {
      clearTrafficCache(state);
      Object.assign(state, buildState(options, scenario));
      clearTrafficCache(state);
    },
  };
  const handler = createHandler(ctx);
  const server = await serve(handler, { hostname: options.hostname ?? "127.0.0.1", port: options.port ?? 0 });
  return {
    url: server.url,
    port: server.port,
    state,
    now: () => state.clock.now(),
    advance: (ms) => {
      state.clock.advance(ms);
      reconcile(state);
    },
    setBehaviour: (key, b) => {
      setBehaviour(state, key, b);
      clearTrafficCache(state);
    },
    setFaults: (faults) => {
      state.faults = faults.map(validateFaultRule);
    },
    reset: () => ctx.reset(),
    handler,
    close: () => server.close(),
  };
}

export type { Behaviour, FaultRule, Scenario, SimConfig, SimState };
