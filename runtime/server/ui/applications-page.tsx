/** @jsxImportSource hono/jsx */
// GET /applications: every app known from the watched Git repositories, its sync state, last
// commit and last deployment; a commit that did not compile shows its diagnostics, a drifted
// app its field diff. "Sync now" (PipeCD's SYNC command) and "Sync repository" send the server
// token through the same confirmation dialog as approve and cancel.
import type { ApplicationView } from "../../gitops/views.ts";
import { CommitLine, ConfirmDialog, Layout, StateBadge } from "./layout.tsx";

export interface ApplicationsPageView {
  now: number;
  /** null: no spec.repositories in the runtime config. */
  repositories: Array<{ repoId: string; branch: string; remote: string; head: string | null; lastError: string | null }> | null;
  applications: ApplicationView[];
}

const show = (v: unknown) => (v === undefined ? "(not set)" : JSON.stringify(v));

function Diagnostics(p: { a: ApplicationView }) {
  if (!p.a.diagnostics.length) return null;
  return (
    <div class="error-box" role="alert" data-diagnostics>
      <strong>The last commit does not compile; it was not deployed.</strong>
      <ul>
        {p.a.diagnostics.map((d) => (
          <li>
            <span class="mono">
              {d.file}:{d.line}:{d.column}
            </span>{" "}
            <span class="mono">{d.code}</span> {d.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Drift(p: { a: ApplicationView }) {
  const diff = p.a.sync.diff;
  if (p.a.sync.state !== "OUT_OF_SYNC" || !diff?.length) return null;
  return (
    <details open data-drift>
      <summary>
        {diff.length} field{diff.length === 1 ? "" : "s"} differ from Git
      </summary>
      <table>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">In Git</th>
            <th scope="col">Live</th>
          </tr>
        </thead>
        <tbody>
          {diff.map((d) => (
            <tr>
              <td class="mono">{d.path}</td>
              <td class="mono">{show(d.git)}</td>
              <td class="mono">{show(d.live)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function AppRow(p: { a: ApplicationView }) {
  const { a } = p;
  const url = `/api/applications/${encodeURIComponent(a.repoId)}/sync?path=${encodeURIComponent(a.path)}`;
  return (
    <tr data-app={a.id} data-sync={a.sync.state}>
      <td data-label="App">
        <div>
          <strong>{a.name ?? a.path}</strong>
          <div class="muted mono">
            {a.repoId}: {a.path}
          </div>
        </div>
      </td>
      <td data-label="State">
        <div>
          <StateBadge state={a.sync.state} />
          {a.sync.reason ? <div class="muted small">{a.sync.reason}</div> : null}
        </div>
      </td>
      <td data-label="Last commit">{a.lastCommit ? <CommitLine c={a.lastCommit} /> : <span class="muted">–</span>}</td>
      <td data-label="Last deployment">
        {a.lastDeployment ? (
          <div>
            <a href={`/deployments/${encodeURIComponent(a.lastDeployment.id)}`} class="mono">
              {a.lastDeployment.id}
            </a>{" "}
            <StateBadge state={a.lastDeployment.state} />
          </div>
        ) : (
          <span class="muted">none</span>
        )}
      </td>
      <td data-label="Actions">
        <button type="button" data-action="sync" data-needs-js hidden data-url={url} data-title={`Sync ${a.name ?? a.path} now?`} data-token-label="Server token (server.tokenFile)" data-confirm="Sync now">
          Sync now…
        </button>
      </td>
    </tr>
  );
}

export function ApplicationsTable(p: { view: ApplicationsPageView }) {
  const { applications } = p.view;
  if (!applications.length) return <p class="notice">No app found in the watched repositories yet (apps are the *.pipecd.yaml files of kind ECSApp or Application).</p>;
  return (
    <table class="stack">
      <caption class="muted" style="text-align:left">
        {applications.length} app{applications.length === 1 ? "" : "s"}
      </caption>
      <thead>
        <tr>
          <th scope="col">App</th>
          <th scope="col">State</th>
          <th scope="col">Last commit</th>
          <th scope="col">Last deployment</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {applications.map((a) => [
          <AppRow a={a} />,
          a.diagnostics.length || a.sync.diff?.length ? (
            <tr data-app-detail={a.id}>
              <td colspan={5}>
                <Diagnostics a={a} />
                <Drift a={a} />
              </td>
            </tr>
          ) : null,
        ])}
      </tbody>
    </table>
  );
}

export function ApplicationsPage(p: { view: ApplicationsPageView }) {
  const { view } = p;
  return (
    <Layout title="Applications · Kanaria" now={view.now} data={{ "live-url": "/applications", "poll-list": "true" }}>
      <h1>Applications</h1>
      {view.repositories === null ? (
        <p class="notice">
          This server watches no Git repository. Add <code>spec.repositories</code> (and <code>spec.git</code>) to the runtime config: see the README's GitOps section.
        </p>
      ) : (
        <ul class="repos">
          {view.repositories.map((r) => (
            <li data-repo={r.repoId}>
              <strong>{r.repoId}</strong> <span class="mono">{r.remote}</span> ({r.branch}) at <span class="mono">{r.head?.slice(0, 7) ?? "not fetched yet"}</span>
              {r.lastError ? <span style="color:var(--bad)"> last sync failed: {r.lastError}</span> : null}{" "}
              <button type="button" data-action="sync" data-needs-js hidden data-url={`/api/repositories/${encodeURIComponent(r.repoId)}/sync`} data-title={`Sync ${r.repoId} now?`} data-token-label="Server token (server.tokenFile)" data-confirm="Sync the repository">
                Sync repository…
              </button>
            </li>
          ))}
        </ul>
      )}
      <template data-confirm="sync">
        <p>Kanaria fetches the branch now and deploys what changed; "Sync now" on an app deploys it as it is at the branch head, changed or not (PipeCD's SYNC command).</p>
      </template>
      <div data-live="list">
        <ApplicationsTable view={view} />
      </div>
      <ConfirmDialog />
    </Layout>
  );
}
