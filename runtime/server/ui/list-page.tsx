/** @jsxImportSource hono/jsx */
// GET /: the deployments, newest first, with a state/app filter (a plain GET form, so it works
// without JavaScript; with it, the table refreshes every few seconds).
import { CommitLine, Layout, StateBadge } from "./layout.tsx";
import { isoOf, shortDuration, utc } from "./format.ts";
import { SlashName, VersionChange } from "./version-change.tsx";
import { DEPLOYMENT_STATES } from "../../deployment-states.ts";
import type { ListView } from "./view-model.ts";

export function ListTable(p: { view: ListView }) {
  const { rows } = p.view;
  if (rows.length === 0) {
    return (
      <p class="notice">
        No deployments{p.view.filter.state || p.view.filter.app ? " match this filter" : " yet"}. Start one with <code>kanaria deploy APP --server URL</code>.
      </p>
    );
  }
  return (
    <table class="stack">
      <caption class="muted" style="text-align:left">
        {rows.length} deployment{rows.length === 1 ? "" : "s"}, newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">App</th>
          <th scope="col">Service</th>
          <th scope="col">Version</th>
          <th scope="col">State</th>
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr data-deployment-row={r.id} data-state={r.state}>
            <td data-label="App">
              <div>
                <a href={`/deployments/${encodeURIComponent(r.id)}`}>{r.app}</a>
                <div class="muted mono">{r.id}</div>
                {r.commit ? (
                  <div class="small">
                    <CommitLine c={r.commit} />
                  </div>
                ) : null}
              </div>
            </td>
            <td data-label="Service" class="mono">
              <SlashName text={r.service} />
            </td>
            <td data-label="Version">
              <VersionChange v={r.versions} />
            </td>
            <td data-label="State">
              <div>
                <StateBadge state={r.state} />
              </div>
            </td>
            <td data-label="Started">
              <time datetime={isoOf(r.startedAt ?? r.createdAt)}>{utc(r.startedAt ?? r.createdAt)}</time>
            </td>
            <td data-label="Duration">
              <span>{r.durationMs === null ? "–" : shortDuration(r.durationMs)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ListPage(p: { view: ListView; query: string }) {
  const { view } = p;
  const title = view.filter.state || view.filter.app ? `Deployments (${[view.filter.app, view.filter.state?.toLowerCase()].filter(Boolean).join(", ")})` : "Deployments";
  return (
    <Layout title={`${title} · Kanaria`} now={view.now} data={{ "live-url": `/${p.query}`, "poll-list": "true" }}>
      <h1>{title}</h1>
      <form class="filters" method="get" action="/">
        <div class="field">
          <label for="f-state">State</label>
          <select id="f-state" name="state">
            <option value="">any state</option>
            {DEPLOYMENT_STATES.map((s) => (
              <option value={s} selected={view.filter.state === s}>
                {s.toLowerCase().replace("_", " ")}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-app">App</label>
          <select id="f-app" name="app">
            <option value="">any app</option>
            {view.apps.map((a) => (
              <option value={a} selected={view.filter.app === a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Filter</button>
        <a class="button" href={`/${p.query}`}>
          Refresh
        </a>
      </form>
      <div data-live="list">
        <ListTable view={view} />
      </div>
    </Layout>
  );
}
