/** @jsxImportSource hono/jsx */
// The listener's split between primary and canary as a bar, and the task sets with their task
// counts: what the graph expects after the last finished stage, and what ECS last reported while
// the runtime watched each task set (from the event log: the page itself never calls AWS).
import { isoOf, utc } from "./format.ts";
import { versionText } from "./version-change.tsx";
import type { DeploymentView } from "./view-model.ts";

export function TrafficBar(p: { view: DeploymentView }) {
  const { primary, canary } = p.view.traffic;
  const from = p.view.trafficFrom ? (p.view.labels[p.view.trafficFrom] ?? p.view.trafficFrom) : null;
  return (
    <div>
      <div class="traffic" role="img" aria-label={`Traffic: primary ${primary}%, canary ${canary}%`} data-primary={String(primary)} data-canary={String(canary)}>
        <span class="p" style={`width:${primary}%`}>
          {primary >= 12 ? `primary ${primary}%` : primary > 0 ? `${primary}%` : ""}
        </span>
        <span class="c" style={`width:${canary}%`}>
          {canary >= 12 ? `canary ${canary}%` : canary > 0 ? `${canary}%` : ""}
        </span>
      </div>
      <p class="legend">
        <span>
          <span class="sw p" aria-hidden="true"></span>primary {primary}%
        </span>
        <span>
          <span class="sw c" aria-hidden="true"></span>canary {canary}%
        </span>
        <span class="muted">{from ? `as set by ${from}` : "no traffic stage has run yet (the listener is as it was)"}</span>
      </p>
    </div>
  );
}

export function TaskSets(p: { view: DeploymentView }) {
  const v = p.view;
  return (
    <div>
      <table class="stack">
        <thead>
          <tr>
            <th scope="col">Task set</th>
            <th scope="col">Version</th>
            <th scope="col">Scale</th>
            <th scope="col">Tasks expected</th>
            <th scope="col">Running (ECS)</th>
          </tr>
        </thead>
        <tbody>
          {v.taskSets.map((t) => (
            <tr data-task-set={t.role}>
              <td data-label="Task set">
                <span>{t.role}</span>
              </td>
              <td class="mono" data-label="Version">
                <span>
                  {t.version === "new" ? "new" : "current"}: {versionText(t.label)}
                </span>
              </td>
              <td data-label="Scale">
                <span>{t.scale}%</span>
              </td>
              <td data-label="Tasks expected">
                <span>{t.tasks === null ? "–" : t.tasks}</span>
              </td>
              <td data-label="Running (ECS)" data-observed={t.observed ? `${t.observed.running}/${t.observed.desired}` : undefined}>
                {t.observed ? (
                  <div>
                    {t.observed.running}/{t.observed.desired}
                    {t.observed.pending ? `, ${t.observed.pending} pending` : ""}
                    <span class="muted">
                      {" "}
                      {t.observed.stability === "STEADY_STATE" ? "steady" : "stabilizing"}, <time datetime={isoOf(t.observed.at)}>{utc(t.observed.at)}</time>
                    </span>
                  </div>
                ) : (
                  <span>–</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">
        Expected {v.taskSetsFrom ? `after ${v.labels[v.taskSetsFrom] ?? v.taskSetsFrom}` : "before the first stage"}
        {v.desiredCount !== null ? `; the service's desiredCount is ${v.desiredCount} (ECS rounds a task set's count up)` : ""}. Running: what ECS last
        reported while Kanaria watched the task set (running/desired, at that time).
      </p>
    </div>
  );
}
