// Builds the GitOps agent of `kanaria serve` from the runtime config: what the HTTP routes need,
// start (first sync, then polling) and stop.
import { join } from "node:path";
import type { Runtime } from "../runtime.ts";
import type { RuntimeSettings } from "../cli/config.ts";
import { GitopsAgent } from "./agent.ts";
import type { GitopsRoutesOptions } from "./routes.ts";
import { DriftLoop } from "./drift-loop.ts";

export interface RunningGitops {
  agent: GitopsAgent;
  routes: Omit<GitopsRoutesOptions, "requireToken" | "store">;
  start(): void;
  stop(): Promise<void>;
}

export function startGitops(rt: Runtime, settings: RuntimeSettings, secrets: { httpsToken: string | null; webhookSecret: string | null }, dataDir: string): RunningGitops {
  const agent = new GitopsAgent({ rt, settings: settings.gitops!, httpsToken: secrets.httpsToken, mirrorRoot: join(dataDir, "git"), config: settings.raw });
  const drift = new DriftLoop(rt, agent, settings.gitops!.driftIntervalMs);
  return {
    agent,
    routes: { agent, webhookSecret: secrets.webhookSecret, syncStates: () => drift.stateOf, metrics: () => drift.metrics() },
    start: () => {
      agent.start();
      drift.start();
    },
    stop: async () => {
      await drift.stop();
      await agent.stop();
    },
  };
}
