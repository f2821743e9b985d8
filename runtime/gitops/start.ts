// Builds the GitOps agent of `kanaria serve` from the runtime config: what the HTTP routes need,
// start (first sync, then polling) and stop.
import { join } from "node:path";
import type { Runtime } from "../executor/runtime.ts";
import type { RuntimeSettings } from "../cli/config.ts";
import { GitopsAgent } from "./agent.ts";
import type { GitopsRoutesOptions } from "./routes.ts";
import type { SyncStates } from "./views.ts";

export interface RunningGitops {
  agent: GitopsAgent;
  routes: Omit<GitopsRoutesOptions, "requireToken" | "store">;
  start(): void;
  stop(): Promise<void>;
}

export function startGitops(rt: Runtime, settings: RuntimeSettings, secrets: { httpsToken: string | null; webhookSecret: string | null }, dataDir: string): RunningGitops {
  const agent = new GitopsAgent({ rt, settings: settings.gitops!, httpsToken: secrets.httpsToken, mirrorRoot: join(dataDir, "git"), config: settings.raw });
  let drift: SyncStates | null = null;
  return {
    agent,
    routes: { agent, webhookSecret: secrets.webhookSecret, syncStates: () => drift },
    start: () => agent.start(),
    stop: () => agent.stop(),
  };
}
