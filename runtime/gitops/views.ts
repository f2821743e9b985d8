// JSON shapes of GET /api/repositories and GET /api/applications (the status page's
// Applications view shows the same): each app with its last commit, last deployment, the
// diagnostics of a commit that did not compile, and its sync state.
import { FINAL_STATES, type Store } from "../store/store.ts";
import type { ApplicationStatus, GitopsAgent } from "./agent.ts";

export type SyncStateName = "SYNCED" | "OUT_OF_SYNC" | "DEPLOYING" | "UNKNOWN";

export interface FieldDiff {
  path: string;
  git: unknown;
  live: unknown;
}

export interface SyncState {
  state: SyncStateName;
  /** Why the state is UNKNOWN (or what OUT_OF_SYNC is about), for people. */
  reason?: string;
  diff?: FieldDiff[];
  /** Epoch ms of the last check / of entering the state. */
  checkedAt?: number;
  since?: number;
}

/** What drift detection knows about an app (null: it has not looked yet). */
export type SyncStates = (repoId: string, path: string) => SyncState | null;

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);

export async function applicationView(store: Pick<Store, "getDeployment">, a: ApplicationStatus, drift: SyncStates | null) {
  const d = a.deploymentId ? await store.getDeployment(a.deploymentId) : null;
  const deploying = !!d && !FINAL_STATES.has(d.state);
  const known = drift?.(a.repoId, a.path) ?? null;
  const sync: SyncState = deploying
    ? { state: "DEPLOYING", reason: `deployment ${d.id} is ${d.state}` }
    : (known ?? { state: "UNKNOWN", reason: drift ? "drift detection has not checked this app yet" : "drift detection is not running" });
  return {
    id: `${a.repoId}:${a.path}`,
    repoId: a.repoId,
    path: a.path,
    name: a.name,
    lastCommit: a.lastCommit ? { hash: a.lastCommit.hash, subject: a.lastCommit.subject, author: a.lastCommit.author, at: iso(a.lastCommit.at) } : null,
    lastDeployment: d ? { id: d.id, state: d.state, createdAt: iso(d.createdAt), finishedAt: iso(d.finishedAt), commit: d.graph.source?.commit ?? null } : null,
    diagnostics: a.diagnostics.map((x) => ({ file: x.file, line: x.line, column: x.column, severity: x.severity, code: x.code, message: x.message })),
    sync: { ...sync, checkedAt: iso(sync.checkedAt), since: iso(sync.since) },
  };
}

export type ApplicationView = Awaited<ReturnType<typeof applicationView>>;

export async function applicationsView(store: Pick<Store, "getDeployment">, agent: GitopsAgent, drift: SyncStates | null): Promise<ApplicationView[]> {
  return Promise.all((await agent.applications()).map((a) => applicationView(store, a, drift)));
}

export function repositoriesView(agent: GitopsAgent) {
  return agent.repositories().map((r) => ({ ...r, lastFetchAt: iso(r.lastFetchAt), apps: agent.repos.get(r.repoId)?.known.length ?? 0 }));
}
