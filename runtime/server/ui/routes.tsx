/** @jsxImportSource hono/jsx */
// Per-file JSX runtime: it must not depend on a tsconfig.json in the working directory.
// The status page, mounted on the API app at `/`: server-rendered HTML (hono/jsx), one small
// script and one stylesheet served from here (no external assets, no build step). Read-only:
// approve and cancel are done by the browser against the existing token-protected POST
// endpoints. A strict Content-Security-Policy allows only this origin's script.
import { Hono, type Context } from "hono";
import type { Runtime } from "../../executor/runtime.ts";
import { CLIENT_SCRIPT } from "./client.ts";
import { DeploymentPage, LiveFragment } from "./deployment-page.tsx";
import { Layout } from "./layout.tsx";
import { ListPage } from "./list-page.tsx";
import { STYLES } from "./styles.ts";
import { deploymentView, listView } from "./view-model.ts";

const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

function html(c: Context, body: string, status = 200): Response {
  return c.body(`<!doctype html>\n${body}`, status as 200, {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  });
}

export function statusPage(rt: Pick<Runtime, "store" | "clock">): Hono {
  const app = new Hono();
  const asset = (type: string, text: string) => (c: Context) => c.body(text, 200, { "content-type": type, "cache-control": "no-cache", "x-content-type-options": "nosniff" });
  app.get("/ui/app.js", asset("text/javascript; charset=utf-8", CLIENT_SCRIPT));
  app.get("/ui/style.css", asset("text/css; charset=utf-8", STYLES));

  app.get("/", async (c) => {
    const view = await listView(rt.store, { state: c.req.query("state"), app: c.req.query("app") });
    const q = new URLSearchParams();
    if (view.filter.state) q.set("state", view.filter.state);
    if (view.filter.app) q.set("app", view.filter.app);
    const query = q.size ? `?${q}` : "";
    return html(c, String(<ListPage view={view} query={query} />));
  });

  const notFound = (c: Context, id: string) =>
    html(
      c,
      String(
        <Layout title="Not found · Kanaria" now={Date.now()}>
          <h1>No deployment {id}</h1>
          <p>
            It may have been mistyped, or the server uses another store. <a href="/">See all deployments</a>.
          </p>
        </Layout>,
      ),
      404,
    );

  app.get("/deployments/:id", async (c) => {
    const d = await rt.store.getDeployment(c.req.param("id"));
    if (!d) return notFound(c, c.req.param("id"));
    return html(c, String(<DeploymentPage v={await deploymentView(rt.store, d, rt.clock.timeScale)} />));
  });

  app.get("/deployments/:id/live", async (c) => {
    const d = await rt.store.getDeployment(c.req.param("id"));
    if (!d) return notFound(c, c.req.param("id"));
    return html(c, String(<LiveFragment v={await deploymentView(rt.store, d, rt.clock.timeScale)} />));
  });

  return app;
}
