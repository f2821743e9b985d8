// What the status page shows, computed from the store: one function per page, no HTML here.
// Everything is read-only: the page never calls AWS; task counts are what the graph expects
// after the last finished node (the compiler's `expect`), traffic is what the last traffic node
// set on the listener rules.
import { describeNode } from "../../../compiler/format/describe-node.ts";
import type { NodeStatus, PictureGraph, PictureState } from "../../../compiler/format/svg.ts";
import type { CheckSummary, SampleRecord, Verdict } from "../../analysis/types.ts";
import { APPROVAL_EVENT } from "../../approvals/board.ts";
import { DEPLOYMENT_NODE } from "../../executor/stage-contract.ts";
import { FIRST_SYNC_NODE, firstSyncNode } from "../../executor/first-deployment.ts";
import type { Graph, GraphNode, NodeOfStage } from "../../executor/graph.ts";
import { redactGraph } from "../../executor/graph-redaction.ts";
import type { Snapshot } from "../../executor/snapshot.ts";
import { WAITING_EVENT } from "../../stages/wait-approval.ts";
import { FINAL_STATES, type DeploymentRecord, type DeploymentState, type EventRecord, type NodeRecord, type NodeState, type Store } from "../../store/store.ts";
import { currentTraffic, type TrafficSplit } from "../views.ts";
import { isBadOutcome, isDeploymentState } from "../../deployment-states.ts";


/** One side of a version change: the image, and the task definition revision where known. */
export interface Version {
  /** Last part of the image reference (`nginx:1.27`, `web@sha256:0123456789ab`), null when unknown. */
  image: string | null;
  imageFull: string | null;
  /** Task definition `family:revision`, null until registered (new) or when unknown (old). */
  revision: string | null;
  revisionFull: string | null;
}

export interface Versions {
  /** What ran before: the primary task set found at the start (or the previous successful deployment). */
  old: Version;
  new: Version;
}

/** The Git commit a GitOps deployment came from. */
export type CommitView = { hash: string; subject: string; author: string } | null;

const commitOf = (d: DeploymentRecord): CommitView => {
  const c = d.graph.source?.commit;
  return c ? { hash: c.hash, subject: c.subject, author: c.author } : null;
};

export interface ListRow {
  id: string;
  app: string;
  commit: CommitView;
  service: string;
  state: DeploymentState;
  versions: Versions;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Real ms from start to finish (or to now while running). */
  durationMs: number | null;
}

export interface ListView {
  rows: ListRow[];
  apps: string[];
  filter: { state: DeploymentState | null; app: string | null };
  now: number;
}

export interface NodeView {
  id: string;
  path: "main" | "rollback";
  stage: string;
  /** How the page names the node: the stage, and its id when the app file set one. */
  label: string;
  description: string;
  state: NodeState;
  /** What the page shows: a rollback node of a deployment that ended without needing it is NOT_NEEDED. */
  shown: PictureState;
  startedAt: number | null;
  finishedAt: number | null;
  /** Deployment-time ms (comparable with the timeout). */
  elapsedMs: number | null;
  timeoutMs: number;
  error: string | null;
  message: string | null;
}

export interface TaskSetView {
  role: "primary" | "canary";
  version: "current" | "new";
  label: Version;
  scale: number;
  tasks: number | null;
  /** The newest task counts ECS reported for this task set while Kanaria watched it. */
  observed: { running: number; desired: number; pending: number; stability: string; at: number } | null;
}

export interface CheckView {
  kind: "metrics" | "http" | "logs";
  index: number;
  label: string;
  strategy: string | null;
  expected: { min?: number; max?: number } | null;
  failureLimit: number;
  samples: SampleRecord[];
  result: CheckSummary["result"] | "running" | "pending";
}

export interface AnalysisView {
  nodeId: string;
  label: string;
  state: NodeState;
  durationMs: number;
  checks: CheckView[];
}

export interface ApprovalView {
  nodeId: string;
  state: NodeState;
  waiting: boolean;
  approvers: string[];
  minApproverNum: number;
  approvedBy: { who: string; at: number }[];
  nextDescription: string | null;
}

export interface LogLine {
  id: number;
  at: number;
  nodeId: string | null;
  type: string;
  level: "info" | "ok" | "error" | "step";
  text: string;
}

export interface DeploymentView {
  id: string;
  app: string;
  service: string;
  state: DeploymentState;
  final: boolean;
  error: string | null;
  failedNode: string | null;
  cancelRequested: boolean;
  commit: CommitView;
  strategy: string;
  autoRollback: boolean;
  versions: Versions;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  timeScale: number;
  now: number;
  currentNode: string | null;
  /** The current node as the page names it (see NodeView.label). */
  currentLabel: string | null;
  /** Node id → how the page names it (the deployment-wide steps are "deployment"). */
  labels: Record<string, string>;
  /** Node id → the short name the event log uses: the id the app file gave, else the stage. */
  shortNames: Record<string, string>;
  nodes: NodeView[];
  picture: { graph: PictureGraph; states: Record<string, NodeStatus>; failedNode: string | null };
  traffic: TrafficSplit;
  trafficFrom: string | null;
  taskSets: TaskSetView[];
  taskSetsFrom: string | null;
  desiredCount: number | null;
  analyses: AnalysisView[];
  approvals: ApprovalView[];
  log: LogLine[];
  lastEventId: number;
  /** Node waiting for an approval now, if any. */
  waitingApproval: ApprovalView | null;
  canCancel: boolean;
  /** What a cancel does, in words, for the confirmation. */
  cancelEffect: string[];
}

/** `public.ecr.aws/nginx/nginx:1.27` → `nginx:1.27`; a digest is cut to 12 hex digits. */
export function shortImage(image: string): string {
  const name = image.slice(image.lastIndexOf("/") + 1);
  const at = name.indexOf("@");
  if (at >= 0) return `${name.slice(0, at)}@${name.slice(at + 1).replace(/^sha256:/, "").slice(0, 12)}`;
  return name.includes(":") ? name : `${name}:latest`;
}

/** `arn:aws:ecs:…:task-definition/web:2` → `web:2`. */
const revisionOf = (arn: string): string => arn.slice(arn.lastIndexOf("/") + 1);

/** Stage ids the compiler made up (`stage-<index>`, as PipeCD does) say nothing to a reader. */
const defaultId = (id: string) => /^stage-\d+$/.test(id);

export const nodeLabel = (n: { id: string; stage: string }): string => (defaultId(n.id) || n.id === n.stage ? n.stage : `${n.stage} (${n.id})`);

const imageOf = (g: Graph): string | null => g.target.image ?? (g.target.taskDefinition.containerDefinitions as { image?: string }[] | undefined)?.[0]?.image ?? null;

/** What the views read from deployments' journals: the snapshot and the registered revision. */
interface Journals {
  snapshot: Map<string, Snapshot | null>;
  registered: Map<string, string | null>;
}

/** Reads the journal steps of `ds` the views need (all at once: the store may be a server). */
async function journalsOf(store: Pick<Store, "getStep">, ds: DeploymentRecord[]): Promise<Journals> {
  const j: Journals = { snapshot: new Map(), registered: new Map() };
  await Promise.all(
    ds.map(async (d) => {
      const [snap, reg] = await Promise.all([store.getStep(d.id, DEPLOYMENT_NODE, "snapshot"), store.getStep(d.id, DEPLOYMENT_NODE, "register-task-definition")]);
      j.snapshot.set(d.id, snap?.status === "DONE" ? (snap.result as Snapshot) : null);
      const arn = reg?.status === "DONE" ? (reg.result as { arn?: unknown } | null)?.arn : undefined;
      j.registered.set(d.id, typeof arn === "string" && arn ? arn : null);
    }),
  );
  return j;
}

const journaledSnapshot = (j: Journals, id: string): Snapshot | null => j.snapshot.get(id) ?? null;
const registeredOf = (j: Journals, id: string): string | null => j.registered.get(id) ?? null;

const version = (image: string | null, revisionArn: string | null): Version => ({ image: image ? shortImage(image) : null, imageFull: image, revision: revisionArn ? revisionOf(revisionArn) : null, revisionFull: revisionArn });

/** What each deployment's task definition revision ran (image), and each deployment's predecessor. */
interface History {
  imageOfRevision: Map<string, string>;
  /** The previous successful deployment of the same service (by creation order). */
  previous: Map<string, { image: string | null; revision: string | null }>;
}

function historyOf(journals: Journals, all: DeploymentRecord[]): History {
  const imageOfRevision = new Map<string, string>();
  const previous = new Map<string, { image: string | null; revision: string | null }>();
  const last = new Map<string, { image: string | null; revision: string | null }>();
  for (const d of [...all].sort((a, b) => a.createdAt - b.createdAt)) {
    const prev = last.get(d.serviceKey);
    if (prev) previous.set(d.id, prev);
    const image = imageOf(d.graph);
    const revision = registeredOf(journals, d.id);
    if (revision && image) imageOfRevision.set(revision, image);
    if (d.state === "SUCCEEDED") last.set(d.serviceKey, { image, revision });
  }
  return { imageOfRevision, previous };
}

/**
 * Image and revision on both sides. Old: the primary task definition the deployment found at its
 * start, with the image some earlier deployment registered it with; before the start, the
 * previous successful deployment's.
 */
function versionsOf(journals: Journals, d: DeploymentRecord, h: History): Versions {
  const fresh = version(imageOf(d.graph), registeredOf(journals, d.id));
  const td = journaledSnapshot(journals, d.id)?.primary?.taskDefinition || null;
  if (td) return { old: version(h.imageOfRevision.get(td) ?? null, td), new: fresh };
  const prev = h.previous.get(d.id);
  return { old: version(prev?.image ?? null, prev?.revision ?? null), new: fresh };
}

const duration = (d: { startedAt: number | null; finishedAt: number | null }, now: number) => (d.startedAt === null ? null : (d.finishedAt ?? now) - d.startedAt);

export async function listView(db: Store, q: { state?: string | null; app?: string | null }, now = Date.now()): Promise<ListView> {
  const state = q.state && isDeploymentState(q.state) ? q.state : null;
  const app = q.app?.trim() || null;
  const all = await db.listDeployments({ limit: 1000 });
  const journals = await journalsOf(db, all);
  const history = historyOf(journals, all);
  const rows = all
    .filter((d) => (!state || d.state === state) && (!app || d.app === app))
    .slice(0, 200)
    .map((d) => ({
      id: d.id,
      app: d.app,
      commit: commitOf(d),
      service: d.serviceKey,
      state: d.state,
      versions: versionsOf(journals, d, history),
      createdAt: d.createdAt,
      startedAt: d.startedAt,
      finishedAt: d.finishedAt,
      durationMs: duration(d, now),
    }));
  return { rows, apps: [...new Set(all.map((d) => d.app))].sort(), filter: { state, app }, now };
}

function effectiveNodes(graph: Graph, records: NodeRecord[]): { main: GraphNode[]; rollback: GraphNode[] } {
  if (records.some((r) => r.nodeId === FIRST_SYNC_NODE)) return { main: [firstSyncNode(graph)], rollback: graph.rollback };
  return { main: graph.nodes, rollback: graph.rollback };
}

function lineOf(e: EventRecord): LogLine {
  const d = e.data;
  const base = { id: e.id, at: e.at, nodeId: e.nodeId, type: e.type };
  switch (e.type) {
    case "deployment.state":
      return { ...base, level: d.state === "SUCCEEDED" ? "ok" : isBadOutcome(String(d.state)) ? "error" : "info", text: `Deployment ${String(d.state)}${d.error ? `: ${String(d.error)}` : ""}` };
    case "deployment.resumed":
      return { ...base, level: "info", text: `Resumed after a restart (${String(d.state)})` };
    case "node.started":
      return { ...base, level: "info", text: `${String(d.stage)} started${d.path === "rollback" ? " (rollback path)" : ""}` };
    case "node.resumed":
      return { ...base, level: "info", text: `${String(d.stage)} resumed` };
    case "node.succeeded": {
      const msg = (d.outputs as Record<string, unknown> | undefined)?.message;
      return { ...base, level: "ok", text: `${String(d.stage)} succeeded${typeof msg === "string" ? `: ${msg}` : ""}` };
    }
    case "node.failed":
      return { ...base, level: "error", text: `${String(d.stage)} failed: ${String(d.error)}` };
    case "step":
      return { ...base, level: "step", text: `${String(d.operation)} (${String(d.step)}) ${String(d.status).toLowerCase()}${d.recovered ? ", recovered after a restart" : ""}` };
    case APPROVAL_EVENT:
      return { ...base, level: "ok", text: `Approved by ${String(d.approver)}` };
    case WAITING_EVENT:
      return { ...base, level: "info", text: `Waiting for ${String(d.minApproverNum)} approval(s)${Array.isArray(d.approvers) && d.approvers.length ? ` from ${d.approvers.join(", ")}` : ""}` };
    case "log":
      return { ...base, level: (d.analysisSample as SampleRecord | undefined)?.verdict === "fail" ? "error" : "info", text: String(d.message ?? "") };
    default:
      return { ...base, level: "info", text: `${e.type} ${JSON.stringify(d).slice(0, 200)}` };
  }
}

function analysisOf(n: NodeOfStage<"ANALYSIS">, rec: NodeRecord | undefined, events: EventRecord[]): AnalysisView {
  const p = n.params;
  const fromOutputs = (rec?.outputs?.samples as SampleRecord[] | undefined) ?? null;
  const summaries = (rec?.outputs?.checks as CheckSummary[] | undefined) ?? [];
  const seen = new Map<string, SampleRecord>();
  for (const e of events) {
    const s = e.type === "log" && e.nodeId === n.id ? (e.data.analysisSample as SampleRecord | undefined) : undefined;
    if (s) seen.set(`${s.kind}/${s.index}/${s.sample}`, s);
  }
  for (const s of fromOutputs ?? []) seen.set(`${s.kind}/${s.index}/${s.sample}`, s);
  const samples = [...seen.values()].sort((a, b) => a.at - b.at);
  const state = rec?.state ?? "PENDING";
  const checks: CheckView[] = [];
  const add = (kind: CheckView["kind"], index: number, label: string, strategy: string | null, expected: CheckView["expected"], failureLimit: number) => {
    const mine = samples.filter((s) => s.kind === kind && s.index === index);
    const sum = summaries.find((c) => c.kind === kind && c.index === index);
    const failures = mine.filter((s) => s.counted).length;
    const result: CheckView["result"] = sum?.result ?? (state === "RUNNING" ? "running" : state === "PENDING" ? "pending" : failures > failureLimit ? "failed" : state === "SUCCEEDED" ? "passed" : "stopped");
    checks.push({ kind, index, label, strategy, expected, failureLimit, samples: mine, result });
  };
  for (const [i, m] of p.metrics.entries()) add("metrics", i, `metrics[${i}] ${m.provider} ${m.strategy}`, m.strategy, m.expected ?? null, m.failureLimit);
  for (const [i, h] of p.http.entries()) add("http", i, `http[${i}] ${h.url}`, null, null, h.failureLimit);
  for (const [i, l] of p.logs.entries()) add("logs", i, `logs[${i}] ${l.provider}`, null, null, l.failureLimit);
  return { nodeId: n.id, label: nodeLabel(n), state, durationMs: p.durationMs, checks };
}

function approvalOf(n: NodeOfStage<"WAIT_APPROVAL">, rec: NodeRecord | undefined, events: EventRecord[], graph: GraphNode[]): ApprovalView {
  const approvedBy: ApprovalView["approvedBy"] = [];
  let waitingSeen = false;
  for (const e of events) {
    if (e.nodeId !== n.id) continue;
    if (e.type === WAITING_EVENT) waitingSeen = true;
    if (e.type === APPROVAL_EVENT) {
      const who = String(e.data.approver ?? "");
      if (who && !approvedBy.some((a) => a.who === who)) approvedBy.push({ who, at: e.at });
    }
  }
  const { approvers, minApproverNum: min } = n.params;
  const next = n.next ? graph.find((x) => x.id === n.next) : undefined;
  return {
    nodeId: n.id,
    state: rec?.state ?? "PENDING",
    waiting: rec?.state === "RUNNING" && waitingSeen && approvedBy.length < min,
    approvers,
    minApproverNum: min,
    approvedBy,
    nextDescription: next ? `${next.stage}: ${describeNode(next)}` : null,
  };
}

/** The newest observation per role/version (see taskSetObservation), from the event log. */
function observedTaskSets(events: EventRecord[]): Map<string, NonNullable<TaskSetView["observed"]>> {
  const out = new Map<string, NonNullable<TaskSetView["observed"]>>();
  for (const e of events) {
    const x = e.data as { role?: unknown; version?: unknown; running?: unknown; desired?: unknown; pending?: unknown; stability?: unknown };
    if (e.type !== "log" || typeof x.role !== "string" || typeof x.running !== "number") continue;
    out.set(`${x.role}/${x.version}`, { running: x.running, desired: Number(x.desired ?? 0), pending: Number(x.pending ?? 0), stability: String(x.stability ?? ""), at: e.at });
  }
  return out;
}

function taskSetsOf(graph: Graph, nodes: GraphNode[], records: Map<string, NodeRecord>, versions: Versions, events: EventRecord[]): { sets: TaskSetView[]; from: string | null; desired: number | null } {
  let best: { at: number; node: GraphNode } | null = null;
  for (const n of nodes) {
    const r = records.get(n.id);
    if (r?.state === "SUCCEEDED" && r.finishedAt !== null && (!best || r.finishedAt >= best.at)) best = { at: r.finishedAt, node: n };
  }
  const expect = best?.node.expect?.taskSets ?? { primary: { version: "current" as const, scale: 100 }, canary: null };
  const desired = typeof graph.target.service?.desiredCount === "number" ? (graph.target.service.desiredCount as number) : null;
  const observed = observedTaskSets(events);
  const sets: TaskSetView[] = [];
  for (const role of ["primary", "canary"] as const) {
    const t = expect[role];
    if (!t) continue;
    const label = t.version === "new" ? versions.new : versions.old;
    const tasks = desired === null ? null : Math.ceil((t.scale * desired) / 100);
    sets.push({ role, version: t.version, label, scale: t.scale, tasks, observed: observed.get(`${role}/${t.version}`) ?? null });
  }
  return { sets, from: best?.node.id ?? null, desired };
}

/** One node as the page shows it (`finalDeployment`: a rollback node still PENDING was not needed). */
function nodeViewOf(n: GraphNode, path: "main" | "rollback", r: NodeRecord | undefined, finalDeployment: boolean, timeScale: number, now: number): NodeView {
  const state = r?.state ?? "PENDING";
  const elapsedMs = r?.startedAt != null ? ((r.finishedAt ?? (state === "RUNNING" ? now : r.startedAt)) - r.startedAt) * timeScale : null;
  const msg = r?.outputs?.message;
  const notNeeded = path === "rollback" && state === "PENDING" && finalDeployment;
  return {
    id: n.id,
    path,
    stage: n.stage,
    label: nodeLabel(n),
    shown: notNeeded ? "NOT_NEEDED" : state,
    description: describeNode(n),
    state,
    startedAt: r?.startedAt ?? null,
    finishedAt: r?.finishedAt ?? null,
    elapsedMs,
    timeoutMs: n.timeoutMs,
    error: r?.error ?? null,
    message: typeof msg === "string" ? msg : null,
  };
}

/** The node whose traffic outputs are the latest (what the traffic split shown comes from). */
function trafficSource(records: NodeRecord[]): string | null {
  let from: string | null = null;
  let at = -1;
  for (const r of records) {
    if (r.outputs?.traffic && r.finishedAt !== null && r.finishedAt >= at) {
      at = r.finishedAt;
      from = r.nodeId;
    }
  }
  return from;
}

/** What cancelling does now, sentence by sentence (the cancel dialog says it before anyone confirms). */
function cancelEffectOf(d: DeploymentRecord, rollback: GraphNode[], currentLabel: string | null): string[] {
  const doing = `Kanaria stops the stage in progress${currentLabel ? ` (${currentLabel})` : ""}`;
  if (d.state === "QUEUED") return ["The deployment has not started: nothing changes in ECS, it ends CANCELLED."];
  if (!d.graph.target.autoRollback || rollback.length === 0) {
    return [`${doing} where it is. Auto-rollback is off for this app, so task sets and listener weights stay as they are now; the deployment ends CANCELLED.`];
  }
  const steps = rollback.map((n) => {
    const what =
      n.stage === "ROLLBACK_TRAFFIC"
        ? "traffic goes back to the primary (100%), the canary gets 0%"
        : n.stage === "ROLLBACK_PRIMARY"
          ? "the previous primary task set (the version that ran before) is primary again"
          : n.stage === "ROLLBACK_CLEAN"
            ? "the canary and any new task sets are removed"
            : describeNode(n);
    return `${n.stage}: ${what}.`;
  });
  return [`${doing} and runs the rollback path:`, ...steps, "The deployment then ends CANCELLED; the new version is not shipped."];
}

export async function deploymentView(db: Store, record: DeploymentRecord, timeScale: number, now = Date.now()): Promise<DeploymentView> {
  const d = { ...record, graph: redactGraph(record.graph) }; // the page never shows secret values
  const [records, events, recent] = await Promise.all([db.getNodes(d.id), db.listEvents(d.id), db.listDeployments({ limit: 1000 })]);
  const byId = new Map(records.map((r) => [r.nodeId, r]));
  const { main, rollback } = effectiveNodes(d.graph, records);
  const all = [...main.map((n) => ({ n, path: "main" as const })), ...rollback.map((n) => ({ n, path: "rollback" as const }))];
  const journals = await journalsOf(db, recent.some((x) => x.id === d.id) ? recent : [...recent, d]);
  const versions = versionsOf(journals, d, historyOf(journals, recent));

  const nodes: NodeView[] = all.map(({ n, path }) => nodeViewOf(n, path, byId.get(n.id), FINAL_STATES.has(d.state), timeScale, now));
  const states: Record<string, NodeStatus> = {};
  for (const n of nodes) states[n.id] = { state: n.shown, elapsedMs: n.elapsedMs, startedAt: n.state === "RUNNING" ? n.startedAt : null };
  const trafficFrom = trafficSource(records);
  const taskSets = taskSetsOf(d.graph, [...main, ...rollback], byId, versions, events);
  const analyses = all.flatMap(({ n }) => (n.stage === "ANALYSIS" ? [analysisOf(n, byId.get(n.id), events)] : []));
  const approvals = all.flatMap(({ n }) => (n.stage === "WAIT_APPROVAL" ? [approvalOf(n, byId.get(n.id), events, main)] : []));
  const final = FINAL_STATES.has(d.state);
  const canCancel = d.state === "QUEUED" || (d.state === "RUNNING" && !d.cancelRequested);

  const currentLabel = nodes.find((n) => n.id === d.currentNode)?.label ?? d.currentNode;
  const cancelEffect = cancelEffectOf(d, rollback, currentLabel);

  return {
    id: d.id,
    app: d.app,
    service: d.serviceKey,
    state: d.state,
    final,
    error: d.error,
    failedNode: d.failedNode,
    cancelRequested: d.cancelRequested,
    commit: commitOf(d),
    strategy: d.graph.strategy,
    autoRollback: d.graph.target.autoRollback,
    versions,
    createdAt: d.createdAt,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    durationMs: duration(d, now),
    timeScale,
    now,
    currentNode: d.currentNode,
    currentLabel,
    labels: Object.fromEntries([[DEPLOYMENT_NODE, "deployment"], ...nodes.map((n) => [n.id, n.label])]),
    shortNames: Object.fromEntries([[DEPLOYMENT_NODE, "deployment"], ...nodes.map((n) => [n.id, defaultId(n.id) ? n.stage : n.id])]),
    nodes,
    picture: { graph: { app: d.graph.app, nodes: main, rollback }, states, failedNode: d.failedNode },
    traffic: currentTraffic(records),
    trafficFrom,
    taskSets: taskSets.sets,
    taskSetsFrom: taskSets.from,
    desiredCount: taskSets.desired,
    analyses,
    approvals,
    log: events.map(lineOf),
    lastEventId: events.length ? events[events.length - 1].id : 0,
    waitingApproval: approvals.find((a) => a.waiting) ?? null,
    canCancel,
    cancelEffect,
  };
}

export const verdictLabel: Record<Verdict, string> = { pass: "pass", fail: "fail", nodata: "no data", error: "error" };
