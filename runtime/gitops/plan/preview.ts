// What a deployment of an app would change, against what runs now (`kanaria plan --live`) or
// against the app at another Git revision (`kanaria plan --base REF`, no AWS): the field-level
// changes of the service and of the task definition (the drift differ, runtime/gitops/drift),
// and the stages with their traffic and task counts. The shape is also the JSON output.
import type { AwsApi } from "../../aws/call.ts";
import { serviceIdentity, type Graph } from "../../executor/graph.ts";
import { firstDeploymentNote, graphDesiredCount, planStages, type PlanStage } from "../../../compiler/format/plan.ts";
import { liveServiceSettingsOf } from "../drift/comparable.ts";
import { desiredState } from "../drift/desired-state.ts";
import { compareStates } from "../drift/detect.ts";
import { diffValues, type DiffEntry } from "../drift/differ.ts";
import { fetchLive, liveState, serviceKey } from "../drift/live-state.ts";

/** One field the deployment changes: `from` what runs (or the base revision) `to` Git's value; null: not set. */
export interface Change {
  path: string;
  from: unknown;
  to: unknown;
}

export type Against = { kind: "live"; provider: string; cluster: string; service: string } | { kind: "base"; ref: string; commit: string } | null;

export interface PlanPreview {
  app: { name: string; file: string };
  against: Against;
  /**
   * changes / no-changes: compared; new-service: ECS has no such service (the deployment creates
   * it); new-app: the app does not exist at the base revision; unavailable: the other side could
   * not be compiled (notes say why).
   */
  status: "changes" | "no-changes" | "new-service" | "new-app" | "unavailable" | "plan";
  notes: string[];
  /** Service settings and where the primary task set runs (service.*, primaryTaskSet.*); task definition (taskDefinition.*). */
  changes: { service: Change[]; taskDefinition: Change[] };
  strategy: Graph["strategy"];
  image?: string;
  /** Tasks at 100% scale: the servicedef's desiredCount, else the live service's; null when unknown. */
  desiredCount: number | null;
  /** Whether the service has no primary task set yet (null: not known without looking at ECS). */
  firstDeployment: boolean | null;
  stages: PlanStage[];
  rollback: PlanStage[];
  timeoutMs: number;
  digest: string;
}

/** Raised when ECS cannot be asked (the command exits 2 with the message). */
export class PreviewError extends Error {}

const toChange = (d: DiffEntry): Change => ({ path: d.path, from: d.live, to: d.git });

function split(diff: DiffEntry[]): PlanPreview["changes"] {
  const changes = diff.map(toChange);
  // Encrypted secrets go with the task definition, where they are nearly always used.
  const inTaskDefinition = (c: Change) => c.path.startsWith("taskDefinition") || c.path.startsWith("encryptedSecrets");
  return { service: changes.filter((c) => !inTaskDefinition(c)), taskDefinition: changes.filter(inTaskDefinition) };
}

function preview(graph: Graph, file: string, o: { against: Against; status: PlanPreview["status"]; diff?: DiffEntry[]; notes?: string[]; desiredCount?: number | null; firstDeployment?: boolean | null }): PlanPreview {
  const desired = graphDesiredCount(graph) ?? o.desiredCount ?? null;
  const firstDeployment = o.firstDeployment ?? null;
  const notes = [...(o.notes ?? [])];
  if (graph.strategy === "pipeline" && firstDeployment !== false) notes.push(firstDeploymentNote(graph));
  const diff = o.diff ?? [];
  const status = o.status === "changes" && diff.length === 0 ? "no-changes" : o.status;
  return {
    app: { name: graph.app.name, file },
    against: o.against,
    status,
    notes,
    changes: split(diff),
    strategy: graph.strategy,
    ...(graph.target.image ? { image: graph.target.image } : {}),
    desiredCount: desired,
    firstDeployment,
    stages: planStages(graph.nodes, desired ?? undefined),
    rollback: planStages(graph.rollback, desired ?? undefined, "R"),
    timeoutMs: graph.timeoutMs,
    digest: graph.digest,
  };
}

/** The plan alone (no comparison): `kanaria plan --format markdown|json`. */
export function planOnly(graph: Graph, file: string): PlanPreview {
  return preview(graph, file, { against: null, status: "plan" });
}

/** Against the live service, read through `api` (the app's platform provider). */
export async function previewLive(graph: Graph, file: string, api: AwsApi, provider: string, revealed?: ReadonlyMap<string, string>): Promise<PlanPreview> {
  const { cluster, service } = serviceIdentity(graph);
  if (!service) return preview(graph, file, { against: null, status: "plan", notes: ["A standalone task (no serviceDefinitionFile): there is no service to compare with."] });
  const ref = { cluster, service };
  const against: Against = { kind: "live", provider, cluster, service };
  const snapshot = await fetchLive(api, [ref]);
  const found = snapshot.services.get(serviceKey(ref));
  if (found && !found.found && found.missing) {
    return preview(graph, file, { against, status: "new-service", firstDeployment: true, notes: [`${found.reason} The deployment creates it.`] });
  }
  const live = liveState(snapshot, ref);
  if ("reason" in live) throw new PreviewError(live.reason);
  const git = desiredState(graph, revealed);
  if ("noPrimary" in live) {
    const diff = diffValues(git.state.service, liveServiceSettingsOf(live.noPrimary), "service");
    return preview(graph, file, { against, status: "changes", diff, firstDeployment: true, desiredCount: live.noPrimary.desiredCount ?? null, notes: ["The service has no PRIMARY task set: nothing runs a task definition to compare with."] });
  }
  const diff = compareStates(git, live.state);
  return preview(graph, file, { against, status: "changes", diff, firstDeployment: false, desiredCount: Number(live.state.service.desiredCount ?? 0) || null });
}

/** Against the app compiled at another revision (`base`: null when the app does not exist there; `problem`: why it did not compile). */
export function previewBase(graph: Graph, file: string, ref: string, commit: string, base: Graph | null, problem?: string): PlanPreview {
  const against: Against = { kind: "base", ref, commit };
  if (problem) return preview(graph, file, { against, status: "unavailable", notes: [problem] });
  if (!base) return preview(graph, file, { against, status: "new-app", notes: [`The app does not exist at ${ref}: everything is new.`] });
  const head = desiredState(graph, "references");
  const old = desiredState(base, "references");
  const diff = compareStates(head, old.state, old);
  // Secrets: the references are compared as written; a re-encrypted value shows as such (never the value).
  for (const [name, text] of Object.entries(graph.secrets ?? {})) {
    const was = base.secrets?.[name];
    if (was !== text) diff.push({ path: `encryptedSecrets[${name}]`, git: was === undefined ? "(encrypted)" : "(re-encrypted)", live: was === undefined ? null : "(encrypted)" });
  }
  for (const name of Object.keys(base.secrets ?? {})) if (!(name in (graph.secrets ?? {}))) diff.push({ path: `encryptedSecrets[${name}]`, git: null, live: "(encrypted)" });
  return preview(graph, file, { against, status: "changes", diff });
}
