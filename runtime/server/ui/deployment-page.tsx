/** @jsxImportSource hono/jsx */
// GET /deployments/:id: one deployment. Every part that changes is a `data-live` section; the
// script re-fetches them from /deployments/:id/live (the same components) after each SSE event.
import { raw } from "hono/html";
import { renderPipelineSvg } from "../../../compiler/format/svg.ts";
import { AnalysisCharts } from "./analysis-chart.tsx";
import { isoOf, shortDuration, STATE_WORDS, utc } from "./format.ts";
import { CommitLine, ConfirmDialog, Layout, StateBadge } from "./layout.tsx";
import { SlashName, VersionChange, versionsText } from "./version-change.tsx";
import { TaskSets, TrafficBar } from "./traffic-bar.tsx";
import type { DeploymentView } from "./view-model.ts";

const titleOf = (v: DeploymentView) => `${v.app} ${v.versions.new.image ?? ""} · ${STATE_WORDS[v.state] ?? v.state} · Kanaria`;

function Summary(p: { v: DeploymentView }) {
  const v = p.v;
  return (
    <div>
      <h1>
        {v.app} <StateBadge state={v.state} words={STATE_WORDS[v.state]} />
      </h1>
      <p class="muted mono">{v.id}</p>
      <p role="status" aria-live="polite" class="sr-state" data-deployment-state={v.state}>
        {v.state === "RUNNING" && v.currentLabel ? `Running ${v.currentLabel}.` : v.state === "ROLLING_BACK" ? `Rolling back${v.currentLabel ? `: ${v.currentLabel}` : ""}.` : `Deployment ${STATE_WORDS[v.state]}.`}
        {v.cancelRequested && !v.final ? " Cancel requested." : ""}
      </p>
      <dl class="summary">
        <div>
          <dt>Service</dt>
          <dd class="mono">
            <SlashName text={v.service} />
          </dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>
            <VersionChange v={v.versions} />
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <time datetime={isoOf(v.startedAt ?? v.createdAt)}>{utc(v.startedAt ?? v.createdAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>
            {v.durationMs === null ? "not started" : shortDuration(v.durationMs)}
            {v.final ? "" : " so far"}
          </dd>
        </div>
        {v.commit ? (
          <div>
            <dt>Commit</dt>
            <dd>
              <CommitLine c={v.commit} />
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Strategy</dt>
          <dd>
            {v.strategy}
            {v.autoRollback ? ", auto-rollback" : ", no auto-rollback"}
            {v.timeScale !== 1 ? `, simulated at ${v.timeScale}×` : ""}
          </dd>
        </div>
      </dl>
      <ErrorBox v={v} />
    </div>
  );
}

function ErrorBox(p: { v: DeploymentView }) {
  const v = p.v;
  if (!v.error && v.state !== "ROLLED_BACK" && v.state !== "ROLLING_BACK") return null;
  const failed = v.failedNode ? v.nodes.find((n) => n.id === v.failedNode) : undefined;
  const head =
    v.state === "ROLLED_BACK"
      ? `Rolled back: ${failed ? failed.label : "a stage"} failed`
      : v.state === "ROLLING_BACK"
        ? `Rolling back: ${failed ? failed.label : "a stage"} failed`
        : v.state === "CANCELLED"
          ? "Cancelled"
          : "Failed";
  return (
    <div class="error-box" role="alert" data-error>
      <strong>{head}</strong>
      {v.error ? <p style="margin:.3rem 0">{v.error}</p> : null}
      {v.state === "ROLLED_BACK" ? <p style="margin:.3rem 0">The rollback path ran: traffic is back on the primary, which runs the previous version; the new task sets were removed.</p> : null}
    </div>
  );
}

function Actions(p: { v: DeploymentView }) {
  const v = p.v;
  const w = v.waitingApproval;
  if (!w && !v.canCancel) return null;
  const base = `/api/deployments/${encodeURIComponent(v.id)}`;
  return (
    <div>
      {w ? (
        <div class="approval-box" data-waiting-approval={w.nodeId}>
          <strong>
            Waiting for approval at {v.nodes.find((n) => n.id === w.nodeId)?.label ?? w.nodeId}
          </strong>
          <p style="margin:.3rem 0">
            {w.approvedBy.length} of {w.minApproverNum} approval{w.minApproverNum === 1 ? "" : "s"}
            {w.approvers.length ? ` from ${w.approvers.join(", ")}` : " (anyone with an approver token)"}
            {w.approvedBy.length ? `; approved by ${w.approvedBy.map((a) => a.who).join(", ")}` : ""}.
          </p>
          <template data-confirm="approve">
            <p>
              You approve <strong>{v.nodes.find((n) => n.id === w.nodeId)?.label ?? w.nodeId}</strong> of <strong>{v.app}</strong> ({versionsText(v.versions)}) with your approver token; the server records your name from the token.
            </p>
            <ul>
              <li>
                {w.minApproverNum - w.approvedBy.length <= 1
                  ? `This is the last approval needed: the pipeline continues${w.nextDescription ? ` with ${w.nextDescription}` : " and finishes"}.`
                  : `${w.minApproverNum - w.approvedBy.length - 1} more approval(s) are needed after yours before the pipeline continues.`}
              </li>
              <li>An approver counts once; approving twice changes nothing.</li>
            </ul>
          </template>
        </div>
      ) : null}
      {v.canCancel ? (
        <template data-confirm="cancel">
          <p>
            You cancel <strong>{v.app}</strong> ({versionsText(v.versions)}), deployment <span class="mono">{v.id}</span>.
          </p>
          <ul>
            {v.cancelEffect.map((t) => (
              <li>{t}</li>
            ))}
          </ul>
        </template>
      ) : null}
      <div class="actions">
        {w ? (
          <button type="button" class="primary" data-action="approve" data-needs-js hidden data-url={`${base}/approve?node=${encodeURIComponent(w.nodeId)}`} data-title={`Approve ${w.nodeId}?`} data-token-label="Your approver token (server.approvers.tokensFile)" data-confirm="Approve">
            Approve…
          </button>
        ) : null}
        {v.canCancel ? (
          <button type="button" class="danger" data-action="cancel" data-needs-js hidden data-url={`${base}/cancel`} data-title="Cancel this deployment?" data-token-label="Server token (server.tokenFile)" data-confirm="Cancel the deployment">
            Cancel deployment…
          </button>
        ) : null}
      </div>
      <noscript>
        <p class="notice">
          Approving and cancelling need JavaScript (the token is sent as a header, never in a link). Without it: <code>kanaria approve {v.id} --server URL --token-file FILE</code>, or{" "}
          <code>curl -X POST -H "Authorization: Bearer $TOKEN" URL{base}/cancel</code>.
        </p>
      </noscript>
    </div>
  );
}

function Stages(p: { v: DeploymentView }) {
  const v = p.v;
  return (
    <table class="stack">
      <caption class="muted" style="text-align:left">
        Stages (main path, then the rollback path); elapsed time is deployment time, as the timeouts are
      </caption>
      <thead>
        <tr>
          <th scope="col">Stage</th>
          <th scope="col">What it does</th>
          <th scope="col">State</th>
          <th scope="col">Elapsed / timeout</th>
          <th scope="col">Result</th>
        </tr>
      </thead>
      <tbody>
        {v.nodes.map((n) => (
          <tr data-stage-row={n.id} data-state={n.state}>
            <td data-label="Stage">
              <div>
                <span class="mono">{n.stage}</span>
                <div class="muted mono">
                  {n.id}
                  {n.path === "rollback" ? " (rollback)" : ""}
                </div>
              </div>
            </td>
            <td data-label="What">
              <span>{n.description}</span>
            </td>
            <td data-label="State">
              <div>
                <StateBadge state={n.shown} words={STATE_WORDS[n.shown]} />
              </div>
            </td>
            <td data-label="Elapsed">
              {n.state === "RUNNING" && n.startedAt !== null ? (
                <span data-started-at={String(n.startedAt)} data-time-scale={String(v.timeScale)} data-suffix={` / ${shortDuration(n.timeoutMs)}`}>
                  {`${shortDuration(n.elapsedMs ?? 0)} / ${shortDuration(n.timeoutMs)}`}
                </span>
              ) : (
                <span>{`${n.elapsedMs === null ? "–" : shortDuration(n.elapsedMs)} / ${shortDuration(n.timeoutMs)}`}</span>
              )}
            </td>
            <td data-label="Result">
              <span>{n.error ?? n.message ?? ""}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Approvals(p: { v: DeploymentView }) {
  const list = p.v.approvals;
  if (list.length === 0) return <p class="muted">This pipeline has no WAIT_APPROVAL stage.</p>;
  return (
    <ul>
      {list.map((a) => (
        <li data-approval-node={a.nodeId}>
          {p.v.nodes.find((n) => n.id === a.nodeId)?.label ?? a.nodeId}: <StateBadge state={a.state} words={a.waiting ? "waiting" : STATE_WORDS[a.state]} /> needs {a.minApproverNum}
          {a.approvers.length ? ` of ${a.approvers.join(", ")}` : ""}.
          {a.approvedBy.length ? (
            <ul>
              {a.approvedBy.map((x) => (
                <li data-approved-by={x.who}>
                  approved by <strong>{x.who}</strong> at <time datetime={isoOf(x.at)}>{utc(x.at)}</time>
                </li>
              ))}
            </ul>
          ) : (
            " No approvals yet."
          )}
        </li>
      ))}
    </ul>
  );
}

/** Without the script, the log's "scrolls" hint shows from this many events (about a phone screen). */
const LOG_HINT_FROM = 7;

function Log(p: { v: DeploymentView }) {
  // Newest first: the box opens at what just happened; older events are further down.
  const lines = p.v.log.filter((l) => l.level !== "step").reverse();
  const steps = p.v.log.length - lines.length;
  return (
    <div>
      <ol class="log" aria-label="Event log, newest first" data-scroll-box tabindex={0} aria-describedby="log-hint">
        {lines.map((l) => (
          <li class={`l-${l.level}`} data-event-type={l.type}>
            <time datetime={isoOf(l.at)}>{utc(l.at).slice(11, 19)}</time>
            <span class="who">{l.nodeId === null ? "deployment" : (p.v.shortNames[l.nodeId] ?? l.nodeId)}</span>
            <span>{l.text}</span>
          </li>
        ))}
      </ol>
      <p id="log-hint" class={`scroll-hint${lines.length >= LOG_HINT_FROM ? "" : " no-js-hidden"}`}>
        Newest first; scroll the list for older events.
      </p>
      <p class="muted">
        {lines.length} events{steps ? ` (and ${steps} journaled AWS calls, in the API: GET /api/deployments/${p.v.id}/events)` : ""}.
      </p>
    </div>
  );
}

/** The sections that change while a deployment runs (also the /live fragment). */
export function LiveSections(p: { v: DeploymentView }) {
  const v = p.v;
  const svg = renderPipelineSvg(v.picture.graph, { states: v.picture.states, failedNode: v.picture.failedNode, timeScale: v.timeScale, title: `Pipeline of ${v.app}: ${STATE_WORDS[v.state]}` });
  // The picture's own width: the stylesheet shrinks it to fit a wide screen down to 80% of that.
  const width = Number(/ width="(\d+)"/.exec(svg)?.[1] ?? 0);
  return (
    <>
      <section data-live="summary" aria-label="Summary">
        <Summary v={v} />
      </section>
      <section data-live="actions" aria-label="Actions">
        <Actions v={v} />
      </section>
      <section data-live="pipeline" aria-labelledby="h-pipeline">
        <h2 id="h-pipeline">Pipeline</h2>
        <section class="scroll pipeline-box" data-scroll-box tabindex={0} aria-label="Pipeline picture" aria-describedby="pipeline-hint" style={`--w:${width}px`}>
          {raw(svg)}
        </section>
        <p id="pipeline-hint" class="scroll-hint narrow-only">
          The picture is wider than the screen: scroll it sideways → (or open “Stages as a table”).
        </p>
        <details>
          <summary>Stages as a table</summary>
          <Stages v={v} />
        </details>
      </section>
      <section data-live="traffic" aria-labelledby="h-traffic">
        <h2 id="h-traffic">Traffic and task sets</h2>
        <TrafficBar view={v} />
        <TaskSets view={v} />
      </section>
      {v.analyses.length ? (
        <section data-live="analysis" aria-labelledby="h-analysis">
          <h2 id="h-analysis">Analysis</h2>
          <AnalysisCharts analyses={v.analyses} />
        </section>
      ) : null}
      <section data-live="approvals" aria-labelledby="h-approvals">
        <h2 id="h-approvals">Approvals</h2>
        <Approvals v={v} />
      </section>
      <section data-live="log" aria-labelledby="h-log">
        <h2 id="h-log">Event log</h2>
        <Log v={v} />
      </section>
    </>
  );
}

export function LiveFragment(p: { v: DeploymentView }) {
  return (
    <html lang="en">
      <head>
        <title>{titleOf(p.v)}</title>
      </head>
      <body>
        <LiveSections v={p.v} />
      </body>
    </html>
  );
}

export function DeploymentPage(p: { v: DeploymentView }) {
  const v = p.v;
  const self = `/deployments/${encodeURIComponent(v.id)}`;
  return (
    <Layout
      title={titleOf(v)}
      now={v.now}
      data={{ "deployment-id": v.id, "live-url": `${self}/live`, "last-event-id": String(v.lastEventId), final: String(v.final) }}
    >
      <nav aria-label="Breadcrumb" class="actions" style="margin:4px 0;align-items:center">
        <a href="/">← All deployments</a>
        <a href={self}>Refresh</a>
        <a href={`/?app=${encodeURIComponent(v.app)}`}>Deployments of {v.app}</a>
        <span id="live-status" class="muted" data-needs-js hidden>
          <span class="live-dot" aria-hidden="true"></span>
          <span class="live-text">{v.final ? "Finished" : "Connecting…"}</span>
        </span>
      </nav>
      <LiveSections v={v} />
      <ConfirmDialog />
    </Layout>
  );
}
