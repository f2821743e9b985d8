// The status page's states on the embedded simulator, built one after the other on one service
// (the runtime runs one deployment per service at a time): a succeeded canary, a rolled-back one,
// one waiting for an approval and one running its analysis. The Chromium test asserts on each
// while it holds; `npm run screenshots` (scripts/screenshots.ts) photographs them. One builder,
// so what reviewers look at is what the test checks.
import { join } from "node:path";
import { until } from "./until.ts";
import { startSimulator, type Simulator } from "../../runtime/simulator/index.ts";
import type { Runtime } from "../../runtime/executor/runtime.ts";
import { createApp } from "../../runtime/server/app.ts";
import { serve, type RunningServer } from "../../runtime/platform/index.ts";
import { parseApproverTokens } from "../../runtime/approvals/tokens.ts";
import { FINAL_STATES } from "../../runtime/store/store.ts";
import { WAITING_EVENT } from "../../runtime/stages/wait-approval.ts";
import { analysisRuntime, appYaml, canaryStages, compileApp, FIXTURES, RATIO } from "../analysis/deployment-helpers.ts";

/** Simulated minutes per real one: a 1m analysis interval is a real second. */
export const SCALE = 60;
export const SERVER_TOKEN = "server-token-0123456789abcdef";
export const ALICE = "alice-token-0123456789abcdef";

/** The two sizes the page is checked and photographed at. */
export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export const IMAGE = (tag: string) => `public.ecr.aws/nginx/nginx:${tag}`;

export const APPROVAL_STAGE = `      - id: approval
        name: WAIT_APPROVAL
        with:
          approvers: [alice]
          minApproverNum: 1
`;

/** An ANALYSIS `with:` judging the canary's 5xx ratio against max 0.05 every simulated minute. */
export const threshold = (duration: string, more = "") => `          duration: ${duration}
          metrics:
            - provider: datadog
              strategy: THRESHOLD
              interval: 1m
              query: "${RATIO}"
${more}              expected:
                max: 0.05
`;

/** The same stages without their `id:` lines: the compiler names them stage-0, stage-1… */
export const withoutIds = (stages: string) => stages.replace(/- id: \S+\n\s+name:/g, "- name:");

export interface StatusWorld {
  sim: Simulator;
  rt: Runtime;
  server: RunningServer;
  close(): Promise<void>;
}

export async function startStatusWorld(): Promise<StatusWorld> {
  const sim = await startSimulator({ scenario: join(FIXTURES, "scenario.yaml"), timeScale: SCALE });
  const { rt } = await analysisRuntime(sim);
  const app = createApp(rt, { token: SERVER_TOKEN, approverTokens: parseApproverTokens(JSON.stringify({ [ALICE]: "alice" })) });
  const server = await serve(app.fetch);
  return {
    sim,
    rt,
    server,
    async close() {
      await server.close();
      await rt.close();
      await sim.close();
    },
  };
}

export { until };

export type StateName = "succeeded" | "rolled-back" | "waiting" | "running";

export interface StateVisit {
  name: StateName;
  id: string;
}

/**
 * Builds each state in turn and calls `visit` while it holds. After the visit, a deployment that
 * has not finished (waiting, running) is cancelled, so the next one can start.
 */
export async function walkStates(w: StatusWorld, o: { app?: string; only?: StateName[] }, visit: (s: StateVisit) => Promise<void>): Promise<void> {
  const { sim, rt } = w;
  const want = (n: StateName) => !o.only || o.only.includes(n);
  const app = (stages: string) => appYaml(sim, { name: o.app, stages });
  const finished = async (id: string) => FINAL_STATES.has((await rt.store.getDeployment(id))!.state);
  const samples = async (id: string) => (await rt.store.listEvents(id)).filter((e) => e.type === "log" && e.data.analysisSample).length;
  const end = async (id: string) => {
    if (!(await finished(id))) await rt.scheduler.cancel(id);
    await rt.scheduler.wait(id);
  };

  // Succeeded: what ran before every later deployment (nginx:1.27, task definition web:2).
  const ok = await rt.submit(compileApp(app(canaryStages(threshold("2m"))), IMAGE("1.27")));
  await rt.scheduler.wait(ok.id);
  if ((await rt.store.getDeployment(ok.id))!.state !== "SUCCEEDED") throw new Error(`the first deployment ended ${(await rt.store.getDeployment(ok.id))!.state}: ${(await rt.store.getDeployment(ok.id))!.error}`);
  if (want("succeeded")) await visit({ name: "succeeded", id: ok.id });

  if (want("rolled-back")) {
    const bad = await rt.submit(compileApp(app(canaryStages(threshold("10m", "              delay: 30s\n              failureLimit: 0\n"))), IMAGE("bad")));
    await rt.scheduler.wait(bad.id);
    await visit({ name: "rolled-back", id: bad.id });
  }

  if (want("waiting")) {
    const waiting = await rt.submit(compileApp(app(canaryStages(threshold("2m"), APPROVAL_STAGE)), IMAGE("1.28")));
    await until("the approval to wait", async () => (await rt.store.listEvents(waiting.id)).some((e) => e.type === WAITING_EVENT) || (await finished(waiting.id)));
    await visit({ name: "waiting", id: waiting.id });
    await end(waiting.id);
  }

  if (want("running")) {
    // Stages without ids (the page names them by their stage), an analysis long enough to hold.
    const running = await rt.submit(compileApp(app(withoutIds(canaryStages(threshold("60m")))), IMAGE("1.28")));
    await until("two analysis samples", async () => (await samples(running.id)) >= 2 || (await finished(running.id)));
    await visit({ name: "running", id: running.id });
    await end(running.id);
  }
}
