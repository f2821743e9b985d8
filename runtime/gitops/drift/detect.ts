// Drift detection: is what runs on ECS what Git says? One call checks many apps.
//
// Input:
//   apps: DriftApp[]   — { key, graph }: `key` identifies the app to the caller (e.g.
//                        "repoId:path/app.pipecd.yaml"), `graph` is the app compiled from Git
//                        (compiler `compile().graph`, the same execution graph a deployment runs).
//   clients: DriftClients — { ecsFor(graph) }: the rate-limited ECS API (runtime/aws/clients.ts
//                        AwsContext.ecs) of the platform provider the graph names; apps that
//                        share a client share its batched calls. `driftClients(aws, providers)`
//                        builds one from the runtime's contexts.
//   opts: { signal?, reveal? } — `reveal(graph)`: plaintext of the graph's encrypted secrets
//                        (decrypted with the runtime's key) so fields that use them are compared;
//                        without it those fields are skipped. Secret values never appear in a diff.
//                        `revealWith(keyring)` makes one from the runtime's key.
// Output: Map<key, DriftResult> — state SYNCED, OUT_OF_SYNC (diff: [{path, git, live}]) or
//   UNKNOWN (reason: why it could not be compared). DEPLOYING is the caller's to decide (a
//   deployment of the service is queued or running): `withDeploying(results, isDeploying)`.
//
// Per call: ⌈services/10⌉ DescribeServices per ECS client and cluster, one DescribeTaskDefinition
// per distinct task definition, DescribeTaskSets only for an EXTERNAL service whose answer lists
// no task sets. Nothing live is cached between calls: every cycle looks at ECS afresh (Git's
// side is worked out once per graph object).
import type { AwsApi } from "../../aws/call.ts";
import type { AwsContexts, PlatformProvider } from "../../aws/clients.ts";
import { providerFor } from "../../runtime.ts";
import { serviceIdentity, type Graph } from "../../executor/graph.ts";
import type { SecretKeyring } from "../../secrets/keyring.ts";
import { desiredState, type DesiredState } from "./desired-state.ts";
import type { Comparable } from "./comparable.ts";
import { diffValues, type DiffEntry } from "./differ.ts";
import { fetchLive, liveState, type ServiceRef } from "./live-state.ts";

export type { DiffEntry } from "./differ.ts";

export interface DriftApp {
  key: string;
  graph: Graph;
}

export interface DriftClients {
  ecsFor(graph: Graph): AwsApi | Promise<AwsApi>;
}

export interface DriftOptions {
  signal?: AbortSignal;
  /** Plaintext of the graph's encrypted secrets by name (the caller decrypts); absent: not compared. */
  reveal?: (graph: Graph) => Promise<ReadonlyMap<string, string> | undefined>;
}

export type SyncState = "SYNCED" | "OUT_OF_SYNC" | "DEPLOYING" | "UNKNOWN";

export interface DriftResult {
  state: SyncState;
  /** Why UNKNOWN (or what OUT_OF_SYNC means when the diff alone does not say). */
  reason?: string;
  /** Field-level differences (OUT_OF_SYNC); empty otherwise. */
  diff: DiffEntry[];
}

const MASK = "(secret)";

/** Masks values under the sensitive paths (secrets in Git, their plaintext on ECS). */
function masked(diff: DiffEntry[], sensitive: string[]): DiffEntry[] {
  if (sensitive.length === 0) return diff;
  const hit = (p: string) => sensitive.some((s) => p === s || p.startsWith(`${s}.`) || p.startsWith(`${s}[`));
  return diff.map((d) => (hit(d.path) ? { path: d.path, git: d.git === null ? null : MASK, live: d.live === null ? null : MASK } : d));
}

/**
 * Compares Git's state with the live one (pure; `kanaria plan` uses it too). `base`: the other
 * side is Git at another revision (every key counts; its secrets masked as well).
 */
export function compareStates(git: DesiredState, live: Comparable, base?: DesiredState): DiffEntry[] {
  const strict = base !== undefined;
  return masked(
    [
      ...diffValues(git.state.service, live.service, "service", strict),
      ...diffValues(git.state.primaryTaskSet, live.primaryTaskSet, "primaryTaskSet", strict),
      ...diffValues(git.state.taskDefinition, live.taskDefinition, "taskDefinition", strict),
    ],
    [...git.sensitive, ...(base?.sensitive ?? [])],
  );
}

/** Git's side depends on the graph alone (without secrets): worked out once per graph, not per cycle. */
const desiredCache = new WeakMap<Graph, DesiredState>();
function desiredOf(graph: Graph): DesiredState {
  let d = desiredCache.get(graph);
  if (!d) desiredCache.set(graph, (d = desiredState(graph)));
  return d;
}

export async function detectDrift(apps: DriftApp[], clients: DriftClients, opts: DriftOptions = {}): Promise<Map<string, DriftResult>> {
  const results = new Map<string, DriftResult>();
  const groups = new Map<AwsApi, Array<{ app: DriftApp; ref: ServiceRef }>>();
  for (const app of apps) {
    const { cluster, service } = serviceIdentity(app.graph);
    if (!service) {
      results.set(app.key, { state: "UNKNOWN", reason: "A standalone task (no serviceDefinitionFile): there is no long-running service to compare.", diff: [] });
      continue;
    }
    let api: AwsApi;
    try {
      api = await clients.ecsFor(app.graph);
    } catch (e) {
      results.set(app.key, { state: "UNKNOWN", reason: e instanceof Error ? e.message : String(e), diff: [] });
      continue;
    }
    let group = groups.get(api);
    if (!group) groups.set(api, (group = []));
    group.push({ app, ref: { cluster, service } });
  }
  await Promise.all(
    [...groups].map(async ([api, members]) => {
      const snapshot = await fetchLive(api, members.map((m) => m.ref), opts.signal);
      for (const { app, ref } of members) {
        const live = liveState(snapshot, ref);
        if ("reason" in live) {
          results.set(app.key, { state: "UNKNOWN", reason: live.reason, diff: [] });
          continue;
        }
        if ("noPrimary" in live) {
          results.set(app.key, {
            state: "OUT_OF_SYNC",
            reason: `The service "${ref.service}" has no PRIMARY task set: nothing runs Git's task definition.`,
            diff: [{ path: "primaryTaskSet", git: String(app.graph.target.taskDefinition.family ?? "task set"), live: null }],
          });
          continue;
        }
        let git: DesiredState;
        try {
          git = opts.reveal ? desiredState(app.graph, await opts.reveal(app.graph)) : desiredOf(app.graph);
        } catch (e) {
          results.set(app.key, { state: "UNKNOWN", reason: `The app's encrypted secrets could not be decrypted: ${e instanceof Error ? e.message : String(e)}`, diff: [] });
          continue;
        }
        const diff = compareStates(git, live.state);
        results.set(app.key, diff.length ? { state: "OUT_OF_SYNC", diff } : { state: "SYNCED", diff: [] });
      }
    }),
  );
  return results;
}

/** DEPLOYING for the apps `isDeploying` names (a deployment of their service is queued or running). */
export function withDeploying(results: Map<string, DriftResult>, isDeploying: (key: string) => boolean): Map<string, DriftResult> {
  const out = new Map<string, DriftResult>();
  for (const [key, r] of results) out.set(key, isDeploying(key) ? { state: "DEPLOYING", reason: "A deployment of this service is queued or running.", diff: [] } : r);
  return out;
}

/** DriftOptions.reveal with the runtime's key (config `secretManagement`); undefined without one. */
export function revealWith(keyring: Pick<SecretKeyring, "decrypt"> | null | undefined): DriftOptions["reveal"] {
  if (!keyring) return undefined;
  return async (graph) => {
    if (!graph.secrets) return undefined;
    const plain = new Map<string, string>();
    for (const [name, text] of Object.entries(graph.secrets)) plain.set(name, await keyring.decrypt(name, text));
    return plain;
  };
}

/** DriftClients from the runtime's AWS contexts and platform providers (as deployments pick them). */
export function driftClients(aws: AwsContexts, providers: PlatformProvider[]): DriftClients {
  return { ecsFor: async (graph) => (await aws.get(providerFor(providers, graph))).ecs };
}
