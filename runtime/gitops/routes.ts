// GitOps HTTP API: the GitHub push webhook (its own HMAC secret, no server token: GitHub cannot
// send one), sync of a repository or of one app (server token), and the repository and
// application listings. Mount it on the API app.
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Store } from "../store/store.ts";
import { SyncCommandError, type GitopsAgent } from "./agent.ts";
import { matchingRepos, pushEvent, signatureMatches } from "./webhook.ts";
import { applicationsView, repositoriesView, type SyncStates } from "./views.ts";

export interface GitopsRoutesOptions {
  agent: GitopsAgent;
  store: Pick<Store, "getDeployment">;
  /** spec.git.webhookSecretFile's secret; null: the webhook refuses everything. */
  webhookSecret: string | null;
  requireToken: MiddlewareHandler;
  /** Drift detection's states, once it runs. */
  syncStates?: () => SyncStates | null;
  /** Drift detection's gauges for /metrics. */
  metrics?: () => string;
}

const fail = (c: Context, status: number, error: string, message: string) => c.json({ error, message }, status as 401);

/** GitHub sends pushes of up to 25 MB; nothing here needs more than the ref and the repository. */
const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export function gitopsRoutes(o: GitopsRoutesOptions): Hono {
  const app = new Hono();

  app.post(
    "/api/webhooks/github",
    bodyLimit({ maxSize: MAX_WEBHOOK_BYTES, onError: (c) => fail(c, 413, "payload_too_large", `The webhook body is larger than ${MAX_WEBHOOK_BYTES} bytes.`) }),
    async (c) => {
      if (!o.webhookSecret) return fail(c, 403, "webhook_disabled", "This server has no webhook secret (spec.git.webhookSecretFile in the runtime config), so it accepts no webhook.");
      const body = await c.req.text();
      if (!(await signatureMatches(o.webhookSecret, body, c.req.header("x-hub-signature-256")))) {
        return fail(c, 401, "bad_signature", "X-Hub-Signature-256 is missing or does not match the body: set the webhook's secret to the content of spec.git.webhookSecretFile.");
      }
      const event = c.req.header("x-github-event") ?? "push";
      if (event === "ping") return c.json({ ok: true, message: "pong" });
      if (event !== "push") return c.json({ ok: true, message: `Ignored: only push events trigger a sync (got ${event}).` }, 202);
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch {
        return fail(c, 400, "invalid_json", "The webhook body is not JSON: set the webhook's content type to application/json.");
      }
      const push = pushEvent(payload);
      const repos = matchingRepos([...o.agent.repos.values()], push);
      for (const r of repos) void o.agent.requestSync(r.repoId);
      const what = `${push.fullName ?? "unknown repository"} ${push.branch ?? "(not a branch)"}`;
      return c.json({ ok: true, syncing: repos.map((r) => r.repoId), message: repos.length ? `Syncing ${repos.map((r) => r.repoId).join(", ")}.` : `No watched repository is ${what}; nothing to do.` }, 202);
    },
  );

  app.post("/api/repositories/:id/sync", o.requireToken, async (c) => {
    try {
      const outcome = await o.agent.requestSync(c.req.param("id"));
      if (outcome.error) return c.json({ ...outcome, message: `The sync failed: ${outcome.error}` }, 502);
      const failed = outcome.failed.length ? `; ${outcome.failed.length} app(s) did not compile` : "";
      return c.json({ ...outcome, message: `Synced at ${outcome.head?.slice(0, 7)}: ${outcome.deployed.length} deployment(s) queued${failed}.` });
    } catch (e) {
      if (e instanceof SyncCommandError) return fail(c, e.status, "not_found", e.message);
      throw e;
    }
  });

  // PipeCD's SYNC command for one app (the status page's "Sync now"): ?path=<app file>.
  app.post("/api/applications/:repoId/sync", o.requireToken, async (c) => {
    const path = c.req.query("path");
    if (!path) return fail(c, 400, "missing_path", "Give the app file as ?path=<path from the repository root> (GET /api/applications lists them).");
    try {
      const r = await o.agent.syncApp(c.req.param("repoId"), path);
      if (!r.deploymentId) return c.json({ ...r, message: "The app's config at the head commit does not compile; nothing was deployed." }, 422);
      return c.json({ ...r, message: `Deployment ${r.deploymentId} queued.` }, 202);
    } catch (e) {
      if (e instanceof SyncCommandError) return fail(c, e.status, e.status === 404 ? "not_found" : "sync_disabled", e.message);
      throw e;
    }
  });

  app.get("/api/repositories", (c) => c.json({ repositories: repositoriesView(o.agent) }));
  app.get("/api/applications", async (c) => c.json({ applications: await applicationsView(o.store, o.agent, o.syncStates?.() ?? null) }));
  return app;
}
