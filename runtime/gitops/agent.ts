// The GitOps agent of `kanaria serve`: keeps a mirror of each watched repository, and for every
// new head commit deploys each app the commits since the last handled one touched (PipeCD's
// trigger semantics, trigger.ts), compiled from the files of that commit. A commit that does
// not compile deploys nothing: its diagnostics are kept for the app and sent to the
// notification receivers. Syncs of one repository run one at a time; requests that arrive
// during one are folded into a single follow-up sync.
//
// Restart safety: the repository's handled commit moves only after every touched app was
// handled, and a deployment is looked up by its commit before one is queued, so a sync redone
// after a crash queues each commit's deployment exactly once.
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { isError, type Diagnostic } from "../../compiler/diagnostics.ts";
import type { RuntimeConfig } from "../../compiler/runtime-config.ts";
import type { Runtime } from "../runtime.ts";
import { SubmitError } from "../runtime.ts";
import type { Graph } from "../executor/graph.ts";
import { crashPoint } from "../executor/crash.ts";
import { DuplicateDigestError, type DeploymentRecord } from "../store/store.ts";
import { commitLine, type GraphCommit } from "../notifications/events.ts";
import type { GitopsSettings } from "../cli/config.ts";
import { GitMirror, type CommitInfo } from "./git.ts";
import { BlobCache, compileAtCommit, readTree, type CommitTree } from "./compile-at-commit.ts";
import { forcesQuickSync, onCommandDisabled, onCommitDisabled, touchesApp, type CommitMatcher, type TriggerSettings } from "./trigger.ts";
import { Progress, type AppProgress, type CommitRef } from "./progress.ts";

export type TriggerKind = NonNullable<GraphCommit["trigger"]>;

export interface RepositoryStatus {
  repoId: string;
  remote: string;
  branch: string;
  /** The branch head as last fetched. */
  head: string | null;
  /** Every app touched up to this commit has been handled. */
  handled: string | null;
  lastFetchAt: number | null;
  /** Why the last sync failed (fetch refused, ...); null after a good one. */
  lastError: string | null;
  syncing: boolean;
}

export interface ApplicationStatus {
  repoId: string;
  path: string;
  name: string | null;
  lastCommit: CommitRef | null;
  deploymentId: string | null;
  diagnostics: Diagnostic[];
}

interface WatchedRepo {
  repoId: string;
  remote: string;
  branch: string;
  apps: string[] | null;
  mirror: GitMirror;
  status: RepositoryStatus;
  /** The sync running now, and whether another was asked for meanwhile. */
  running: Promise<SyncOutcome> | null;
  again: boolean;
  /** App paths found at the head (discovered or listed). */
  known: string[];
  blobs: BlobCache;
}

export interface SyncOutcome {
  repoId: string;
  head: string | null;
  /** Deployments queued by this sync. */
  deployed: string[];
  /** Apps whose commit did not compile. */
  failed: string[];
  error?: string;
}

export class SyncCommandError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface GitopsAgentOptions {
  rt: Runtime;
  settings: GitopsSettings;
  httpsToken: string | null;
  /** Where the mirrors live (a folder per repository). */
  mirrorRoot: string;
  /** The runtime config, so compile() checks provider names as `kanaria compile --config` does. */
  config: RuntimeConfig | null;
  log?: (line: string) => void;
}

const APP_FILE = /(^|\/)[^/]*\.pipecd\.ya?ml$/;
/** Kinds Kanaria deploys: PipeCD v0's ECSApp and v1's Application (whose ecs plugin it runs). */
const APP_KIND = /^kind:\s*["']?(ECSApp|Application)["']?\s*(#.*)?$/m;

export class GitopsAgent {
  readonly repos = new Map<string, WatchedRepo>();
  private readonly progress: Progress;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private stopped = false;
  private readonly log: (line: string) => void;
  /** Git's compiled version per app and commit (drift detection), and the trigger settings read with it. */
  private readonly gitVersions = new Map<string, { graph: Graph | null; trigger: TriggerSettings | undefined }>();
  private readonly triggers = new Map<string, TriggerSettings | undefined>();

  constructor(private readonly o: GitopsAgentOptions) {
    this.progress = new Progress(o.rt.store);
    this.log = o.log ?? ((l) => console.log(l));
    const auth = { ...(o.settings.sshKeyFile ? { sshKeyFile: o.settings.sshKeyFile } : {}), ...(o.httpsToken ? { httpsToken: o.httpsToken } : {}), ...(o.settings.username ? { username: o.settings.username } : {}) };
    for (const r of o.settings.repositories) {
      this.repos.set(r.repoId, {
        ...r,
        mirror: new GitMirror(join(o.mirrorRoot, `${r.repoId}.git`), r.remote, r.branch, auth),
        status: { repoId: r.repoId, remote: redactRemote(r.remote), branch: r.branch, head: null, handled: null /* read from the store by the first sync */, lastFetchAt: null, lastError: null, syncing: false },
        running: null,
        again: false,
        known: r.apps ?? [],
        blobs: new BlobCache(),
      });
    }
  }

  /** First sync of every repository now, then one per poll interval. */
  start(): void {
    for (const repo of this.repos.values()) {
      void this.requestSync(repo.repoId);
      this.timers.push(setInterval(() => void this.requestSync(repo.repoId), this.o.settings.pollIntervalMs));
    }
  }

  /** Stops polling and waits for the syncs in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled([...this.repos.values()].map((r) => r.running));
  }

  /** Fetches the repository and deploys what changed; resolves when that sync (or the one it joined) is done. */
  requestSync(repoId: string): Promise<SyncOutcome> {
    const repo = this.repos.get(repoId);
    if (!repo) return Promise.reject(new SyncCommandError(404, `No repository "${repoId}" in the runtime config's spec.repositories.`));
    if (repo.running) {
      repo.again = true;
      return repo.running;
    }
    repo.running = (async () => {
      let outcome: SyncOutcome;
      do {
        repo.again = false;
        outcome = await this.sync(repo);
      } while (repo.again && !this.stopped);
      return outcome;
    })().finally(() => {
      repo.running = null;
    });
    return repo.running;
  }

  /**
   * PipeCD's SYNC command (Sync now): deploys the app as it is at the branch head, touched or
   * not, unless its trigger.onCommand.disabled says no.
   */
  async syncApp(repoId: string, path: string): Promise<{ deploymentId: string | null; diagnostics: Diagnostic[] }> {
    const repo = this.repos.get(repoId);
    if (!repo) throw new SyncCommandError(404, `No repository "${repoId}" in the runtime config's spec.repositories.`);
    await this.requestSync(repoId);
    if (!repo.known.includes(path)) throw new SyncCommandError(404, `No app ${path} in repository ${repoId} at ${repo.status.head?.slice(0, 7) ?? "its head"}. GET /api/applications lists them.`);
    const head = repo.status.head!;
    const tree = await readTree(repo.mirror, head);
    const text = (await repo.blobs.read(repo.mirror, tree, [path])).get(path) ?? null;
    if (onCommandDisabled(triggerOf(text).trigger)) throw new SyncCommandError(409, `${path} sets trigger.onCommand.disabled: true, so it is not deployed by a SYNC command.`);
    const p = await this.deployAt(repo, path, tree, await repo.mirror.commitInfo(head), "SYNC_COMMAND", new Map(), text);
    return { deploymentId: p.deploymentId, diagnostics: p.diagnostics };
  }

  /**
   * Git's version of every app, compiled at the repository's handled commit (for drift
   * detection), or why there is none. Compiled once per app and commit that last touched it.
   */
  async gitGraphs(): Promise<Array<{ repoId: string; path: string; name: string | null } & ({ graph: Graph } | { reason: string })>> {
    const out: Array<{ repoId: string; path: string; name: string | null } & ({ graph: Graph } | { reason: string })> = [];
    for (const repo of this.repos.values()) {
      const head = repo.status.handled ?? (await this.progress.repo(repo.repoId))?.handled ?? null;
      const recorded = await this.progress.apps(repo.repoId);
      let tree: CommitTree | null = null;
      for (const path of repo.known) {
        const p = recorded.get(path);
        const base = { repoId: repo.repoId, path, name: p?.name ?? null };
        if (!head || !p) {
          out.push({ ...base, reason: "Not synced from Git yet." });
          continue;
        }
        if (p.diagnostics.length) {
          out.push({ ...base, reason: `Commit ${p.commit.hash.slice(0, 7)} does not compile (see diagnostics): Git's version is unknown.` });
          continue;
        }
        const cacheKey = `${repo.repoId}:${path}@${p.commit.hash}`;
        let cached = this.gitVersions.get(cacheKey);
        if (!cached) {
          tree ??= await readTree(repo.mirror, head);
          const text = (await repo.blobs.read(repo.mirror, tree, [path])).get(path) ?? null;
          const { result } = await compileAtCommit(repo.mirror, tree, path, { config: this.o.config, blobs: repo.blobs });
          cached = { graph: (result.graph as Graph | null) ?? null, trigger: triggerOf(text).trigger };
          if (this.gitVersions.size > 10_000) this.gitVersions.clear();
          this.gitVersions.set(cacheKey, cached);
          this.triggers.set(`${repo.repoId}:${path}`, cached.trigger);
        }
        out.push(cached.graph ? { ...base, graph: cached.graph } : { ...base, reason: "Git's version does not compile." });
      }
    }
    return out;
  }

  /** The app's trigger settings as last read from Git (drift detection's onOutOfSync). */
  triggerSettings(repoId: string, path: string): TriggerSettings | undefined {
    return this.triggers.get(`${repoId}:${path}`);
  }

  /** PipeCD's onOutOfSync: deploys the app as it is at the handled commit; the deployment id, or null. */
  async redeployOutOfSync(repoId: string, path: string): Promise<string | null> {
    const repo = this.repos.get(repoId);
    const head = repo?.status.handled;
    if (!repo || !head) return null;
    const tree = await readTree(repo.mirror, head);
    const text = (await repo.blobs.read(repo.mirror, tree, [path])).get(path) ?? null;
    const p = await this.deployAt(repo, path, tree, await repo.mirror.commitInfo(head), "OUT_OF_SYNC", new Map(), text);
    return p.deploymentId;
  }

  repositories(): RepositoryStatus[] {
    return [...this.repos.values()].map((r) => ({ ...r.status, syncing: r.running !== null }));
  }

  /** Every app known from Git, with what its last commit came to. */
  async applications(): Promise<ApplicationStatus[]> {
    const out: ApplicationStatus[] = [];
    for (const repo of this.repos.values()) {
      const recorded = await this.progress.apps(repo.repoId);
      const paths = new Set([...repo.known, ...(repo.known.length ? [] : recorded.keys())]);
      for (const path of [...paths].sort()) {
        const p = recorded.get(path);
        out.push({ repoId: repo.repoId, path, name: p?.name ?? null, lastCommit: p?.commit ?? null, deploymentId: p?.deploymentId ?? null, diagnostics: p?.diagnostics ?? [] });
      }
    }
    return out;
  }

  private async sync(repo: WatchedRepo): Promise<SyncOutcome> {
    const outcome: SyncOutcome = { repoId: repo.repoId, head: null, deployed: [], failed: [] };
    try {
      await repo.mirror.ensure();
      const head = await repo.mirror.fetch();
      repo.status.head = outcome.head = head;
      repo.status.lastFetchAt = Date.now();
      const handled = (await this.progress.repo(repo.repoId))?.handled ?? null;
      if (handled === head && repo.known.length) {
        repo.status.lastError = null;
        return outcome;
      }
      // A handled commit the mirror lost (force push) cannot be diffed: every app counts as touched.
      const [tree, changed, commit] = await Promise.all([
        readTree(repo.mirror, head),
        handled && handled !== head ? repo.mirror.changedFiles(handled, head) : Promise.resolve(handled === head ? [] : null),
        repo.mirror.commitInfo(head),
      ]);
      const texts = await this.appsAt(repo, tree);
      repo.known = [...texts.keys()];
      const recorded = await this.progress.apps(repo.repoId);
      let byCommit: Map<string, DeploymentRecord> | null = null;
      for (const path of repo.known) {
        if (this.stopped) return outcome;
        const before = recorded.get(path);
        const { trigger } = triggerOf(texts.get(path) ?? null);
        if (before && changed && !touchesApp(path, before.files, trigger, changed)) continue;
        if (before?.commit.hash === head) continue; // handled before a restart
        if (onCommitDisabled(trigger)) {
          await this.progress.setApp(repo.repoId, path, { ...(before ?? { name: null, deploymentId: null, files: [], diagnostics: [] }), commit: commitRef(commit) });
          continue;
        }
        byCommit ??= await deploymentsByCommit(this.o.rt, repo.repoId, head);
        const p = await this.deployAt(repo, path, tree, commit, "COMMIT", byCommit, texts.get(path) ?? null);
        if (p.deploymentId && p.deploymentId !== before?.deploymentId) outcome.deployed.push(p.deploymentId);
        if (p.diagnostics.length) outcome.failed.push(path);
      }
      await this.progress.setRepo(repo.repoId, { handled: head });
      repo.status.handled = head;
      repo.status.lastError = null;
      if (outcome.deployed.length || outcome.failed.length) {
        this.log(`gitops: ${repo.repoId} at ${commitLine(commit)}: ${outcome.deployed.length} deployment(s) queued${outcome.failed.length ? `, ${outcome.failed.length} app(s) did not compile (${outcome.failed.join(", ")})` : ""}`);
      }
    } catch (e) {
      outcome.error = repo.status.lastError = (e as Error).message;
      this.log(`gitops: ${repo.repoId}: sync failed: ${outcome.error}`);
    }
    return outcome;
  }

  /** The app files at the commit with their texts: the listed ones, else every *.pipecd.yaml of a kind Kanaria deploys. */
  private async appsAt(repo: WatchedRepo, tree: CommitTree): Promise<Map<string, string | null>> {
    const candidates = repo.apps ?? [...tree.entries.values()].filter((e) => !e.special && APP_FILE.test(e.path)).map((e) => e.path);
    const texts = await repo.blobs.read(repo.mirror, tree, candidates.filter((p) => tree.entries.has(p)).sort());
    // Listed apps are kept whatever their kind: compiling says what is wrong with them.
    if (!repo.apps) for (const [p, text] of texts) if (!APP_KIND.test(text ?? "")) texts.delete(p);
    return texts;
  }

  private async deployAt(
    repo: WatchedRepo,
    path: string,
    tree: CommitTree,
    commit: CommitInfo,
    kind: TriggerKind,
    byCommit: Map<string, DeploymentRecord>,
    text: string | null,
  ): Promise<AppProgress> {
    const { matcher } = triggerOf(text);
    const { result, files } = await compileAtCommit(repo.mirror, tree, path, { config: this.o.config, forceQuickSync: forcesQuickSync(matcher, commit.message), blobs: repo.blobs });
    const name = result.graph?.app.name ?? result.app?.name ?? null;
    // Git's version at this commit, for drift detection (gitGraphs) without compiling again.
    const trigger = triggerOf(text).trigger;
    this.gitVersions.set(`${repo.repoId}:${path}@${commit.hash}`, { graph: (result.graph as Graph | null) ?? null, trigger });
    this.triggers.set(`${repo.repoId}:${path}`, trigger);
    let diagnostics = result.diagnostics.filter(isError);
    let deploymentId: string | null = null;
    if (result.graph && !diagnostics.length) {
      const source = { ...(result.graph.source ?? { app: path }), commit: { repoId: repo.repoId, path, hash: commit.hash, subject: commit.subject, author: commit.author, trigger: kind } };
      const graph = { ...result.graph, source } as Graph;
      const earlier = kind === "COMMIT" ? byCommit.get(path) : undefined;
      try {
        deploymentId = earlier?.id ?? (await this.o.rt.submit(graph)).id;
        if (!earlier) crashPoint("gitops", "submitted");
        await this.supersede(repo.repoId, path, deploymentId);
      } catch (e) {
        if (e instanceof DuplicateDigestError) deploymentId = e.existingId;
        else if (e instanceof SubmitError) diagnostics = [{ file: path, line: 1, column: 1, endLine: 1, endColumn: 1, severity: "error", code: e.code, message: e.message }];
        else throw e;
      }
    }
    const p: AppProgress = { name, commit: commitRef(commit), deploymentId, files, diagnostics };
    await this.progress.setApp(repo.repoId, path, p);
    if (diagnostics.length) this.notifyInvalid(repo.repoId, path, name, commit, diagnostics, result.graph?.app.labels ?? {});
    return p;
  }

  /** A newer commit's deployment replaces one of the same app still waiting in the queue. */
  private async supersede(repoId: string, path: string, newer: string): Promise<void> {
    for (const d of await this.o.rt.store.listDeployments({ states: ["QUEUED"], limit: 1000 })) {
      const c = d.graph.source?.commit;
      if (d.id === newer || c?.repoId !== repoId || c.path !== path) continue;
      // Said before the cancel: the event stream of a deployment ends with its final state.
      await this.o.rt.events.emit(d.id, "log", null, { message: `Superseded by deployment ${newer} of a newer commit.` });
      this.o.rt.scheduler.cancel(d.id);
    }
  }

  private notifyInvalid(repoId: string, path: string, name: string | null, commit: CommitInfo, diagnostics: Diagnostic[], labels: Record<string, string>): void {
    const first = diagnostics[0];
    this.o.rt.notifier?.notify({
      type: "DEPLOYMENT_TRIGGER_FAILED",
      deploymentId: "",
      app: { name: name ?? path, labels },
      at: Date.now(),
      message: `${name ?? path} (${repoId}) was not deployed: commit ${commitLine(commit)} does not compile: ${first.file}:${first.line}:${first.column} ${first.code} ${first.message}${diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : ""}`,
      data: {
        repoId,
        path,
        commit: { hash: commit.hash, subject: commit.subject, author: commit.author },
        diagnostics: diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, code: d.code, message: d.message })),
      },
    });
  }
}

const commitRef = (c: CommitInfo): CommitRef => ({ hash: c.hash, subject: c.subject, author: c.author, at: c.at });

/** The deployments already queued for this commit, by app path (a sync redone after a crash finds them). */
async function deploymentsByCommit(rt: Runtime, repoId: string, hash: string): Promise<Map<string, DeploymentRecord>> {
  const out = new Map<string, DeploymentRecord>();
  for (const d of await rt.store.listDeployments({ limit: 1000 })) {
    const c = d.graph.source?.commit;
    if (c?.repoId === repoId && c.hash === hash && c.trigger !== "SYNC_COMMAND" && !out.has(c.path ?? "")) out.set(c.path ?? "", d);
  }
  return out;
}

/** trigger and commitMatcher as written in the app file (v0 and v1 keep them under spec); an unparsable file has none. */
function triggerOf(text: string | null): { trigger: TriggerSettings | undefined; matcher: CommitMatcher | undefined } {
  if (!text) return { trigger: undefined, matcher: undefined };
  try {
    const spec = (parseYaml(text) as any)?.spec;
    return { trigger: typeof spec?.trigger === "object" ? spec.trigger : undefined, matcher: typeof spec?.commitMatcher === "object" ? spec.commitMatcher : undefined };
  } catch {
    return { trigger: undefined, matcher: undefined };
  }
}

/** A remote as the API shows it: without a password or token written into the URL. */
export function redactRemote(remote: string): string {
  return remote.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1***@");
}
