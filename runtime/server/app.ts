// The HTTP API (Hono). Reads are open (bind to 127.0.0.1 by default, and only loopback Host
// names are answered there); anything that changes state needs `Authorization: Bearer <token>`
// (server.tokenFile). Errors are JSON `{error, message}` (plus `path`, a JSON Pointer, for a
// bad graph) with a message a person can act on.
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { DuplicateDigestError, type DeploymentState } from "../store/store.ts";
import { SubmitError, type Runtime } from "../executor/runtime.ts";
import { CancelError } from "../executor/scheduler.ts";
import { checkSubmittedGraph } from "./graph-submission.ts";
import { tokenMatches } from "./auth.ts";
import { hostCheck, type HostPolicy } from "./host-check.ts";
import { detail, summary } from "./views.ts";
import { eventStream, resumeAfter } from "./sse.ts";
import { renderMetrics } from "./metrics.ts";
import { statusPage } from "./ui/routes.tsx";
import { approvalRoutes } from "../approvals/routes.ts";
import type { ApproverTokens } from "../approvals/tokens.ts";

export interface AppOptions {
  /** Token for mutating endpoints; null disables them (403 with an explanation). */
  token: string | null;
  /** Approver tokens (server.approvers.tokensFile); null: nobody can approve over HTTP. */
  approverTokens?: ApproverTokens | null;
  maxBodyBytes?: number;
  /** Which Host headers to answer (runtime/server/host-check.ts); default: bound to 127.0.0.1. */
  host?: HostPolicy;
}

const fail = (c: Context, status: number, error: string, message: string) => c.json({ error, message }, status as any);

export function createApp(rt: Runtime, o: AppOptions): Hono {
  const app = new Hono();
  const maxSize = o.maxBodyBytes ?? 1024 * 1024;

  const requireToken = async (c: Context, next: () => Promise<void>) => {
    if (!o.token) return fail(c, 403, "mutations_disabled", "This server has no token configured (server.tokenFile in the runtime config), so it accepts no changes.");
    if (!tokenMatches(o.token, c.req.header("authorization"))) {
      return fail(c, 401, "unauthorized", "Send the token from server.tokenFile as `Authorization: Bearer <token>`.");
    }
    await next();
  };

  app.use(hostCheck(o.host ?? { bindHostname: "127.0.0.1" }));
  app.onError((err, c) => fail(c, 500, "internal", `Internal error: ${err.message}`));
  app.notFound((c) => fail(c, 404, "not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}. See GET /api/deployments.`));

  // Healthy = the store answers (a replica that cannot reach its database is taken out of a
  // load balancer by the 503). A database that hangs counts as unreachable after STORE_PING_MS.
  app.get("/healthz", async (c) => {
    const store = await pingStore(rt);
    if (store === "ok") return c.json({ status: "ok", active: rt.scheduler.active(), store });
    return c.json({ status: "unavailable", active: rt.scheduler.active(), store: "unreachable", message: store.error }, 503);
  });
  app.get("/metrics", async (c) => c.text(await renderMetrics(rt), 200, { "content-type": "text/plain; version=0.0.4" }));

  app.get("/api/deployments", async (c) => {
    const state = c.req.query("state");
    const limit = Math.min(1000, Math.max(1, Number(c.req.query("limit") ?? 100) || 100));
    const states = state ? (state.split(",") as DeploymentState[]) : undefined;
    return c.json({ deployments: (await rt.store.listDeployments({ states, limit })).map(summary) });
  });

  app.get("/api/deployments/:id", async (c) => {
    const d = await rt.store.getDeployment(c.req.param("id"));
    if (!d) return fail(c, 404, "not_found", `No deployment ${c.req.param("id")}. List them with GET /api/deployments.`);
    return c.json(await detail(rt.store, d));
  });

  app.get("/api/deployments/:id/events", async (c) => {
    const id = c.req.param("id");
    if (!(await rt.store.getDeployment(id))) return fail(c, 404, "not_found", `No deployment ${id}.`);
    const resume = resumeAfter(c);
    if ("invalid" in resume) {
      return fail(c, 400, "invalid_last_event_id", `Last-Event-ID (or ?after=) must be the id of an event this stream sent, a non-negative integer; got "${resume.invalid.slice(0, 40)}". Leave it out to get the whole history.`);
    }
    return eventStream(c, rt, id, resume.after);
  });

  app.post(
    "/api/deployments",
    requireToken,
    bodyLimit({ maxSize, onError: (c) => fail(c, 413, "payload_too_large", `The graph is larger than ${maxSize} bytes.`) }),
    async (c) => {
      const checked = checkSubmittedGraph(await c.req.text());
      if (!checked.ok) {
        const { ok: _ok, status, ...problem } = checked;
        return c.json(problem, status);
      }
      try {
        const d = await rt.submit(checked.graph);
        return c.json(summary(d), 201, { location: `/api/deployments/${d.id}` });
      } catch (e) {
        if (e instanceof DuplicateDigestError) {
          return c.json({ error: "duplicate", message: `This exact graph is already queued or running as deployment ${e.existingId}. Wait for it to finish (or cancel it), then submit it again.`, id: e.existingId }, 409);
        }
        if (e instanceof SubmitError) return c.json({ error: e.code, message: e.message, path: e.path }, e.status as 422);
        throw e;
      }
    },
  );

  app.post("/api/deployments/:id/cancel", requireToken, async (c) => {
    try {
      return c.json(summary(await rt.scheduler.cancel(c.req.param("id") ?? "")), 202);
    } catch (e) {
      if (e instanceof CancelError) return fail(c, e.status, e.status === 404 ? "not_found" : "conflict", e.message);
      throw e;
    }
  });

  app.route("/", approvalRoutes({ board: rt.approvals, tokens: o.approverTokens ?? null, exists: async (id) => (await rt.store.getDeployment(id)) !== null }));

  app.route("/", statusPage(rt)); // the status page (HTML, read-only; runtime/server/ui/)

  return app;
}

/** How long GET /healthz waits for the store to answer. */
export const STORE_PING_MS = 5_000;

async function pingStore(rt: Runtime): Promise<"ok" | { error: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      rt.store.ping(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`the store did not answer within ${STORE_PING_MS} ms`)), STORE_PING_MS))),
    ]);
    return "ok";
  } catch (e) {
    // Store errors name the server, never the password (postgres-store.ts redacts them).
    return { error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}
