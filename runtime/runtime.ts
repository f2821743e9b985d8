// Assembles a runtime: store + event bus + AWS contexts + scheduler. `kanaria serve`,
// `kanaria deploy` (in-process), the demo, the tests and the benchmark all build one of these.
import { AwsContexts, DEFAULT_LIMITS, type PlatformProvider, type RateLimits } from "./aws/clients.ts";
import { systemClock, type Clock } from "./clock/clock.ts";
import { RuntimeMetrics } from "./metrics/registry.ts";
import type { DeploymentRecord, Store } from "./store/store.ts";
import { EventBus } from "./executor/events.ts";
import { serviceIdentity, type Graph } from "./executor/graph.ts";
import { checkGraphStructure } from "./executor/graph-structure.ts";
import { Scheduler } from "./executor/scheduler.ts";
import { ApprovalBoard } from "./approvals/board.ts";
import { StorePreviousRuns } from "./analysis/previous-runs.ts";
import type { MetricsProvider } from "./analysis/types.ts";
import type { Notifier } from "./notifications/notifier.ts";
import { createStageTable } from "./stages/registry.ts";
import type { SecretKeyring } from "./secrets/keyring.ts";
import { revealingApi, secretsProblem } from "./secrets/reveal.ts";
import { secretNamesIn } from "../compiler/secrets/references.ts";
import { isCiphertextProblem, splitCiphertext } from "../compiler/secrets/ciphertext.ts";

export interface RuntimeOptions {
  store: Store;
  providers: PlatformProvider[];
  clock?: Clock;
  /** Real ms between two batched DescribeServices polls (default 1000). */
  pollIntervalMs?: number;
  limits?: RateLimits;
  /** Analysis providers by the name ANALYSIS metrics give as `provider`. */
  analysisProviders?: ReadonlyMap<string, MetricsProvider>;
  /** Receives every deployment event (runtime config `notifications`). */
  notifier?: Notifier;
  /** fetch for HTTP analysis checks (tests). */
  fetch?: typeof fetch;
  /** The private key (runtime config `secretManagement`) that decrypts graphs' secrets at the AWS call. */
  secrets?: SecretKeyring | null;
  /** Lease TTL in real ms (runtime config store.leaseTtl; default 15 s): see ownership.ts. */
  leaseTtlMs?: number;
  /** This replica's id in the store's leases (default: a new random one). */
  replicaId?: string;
}

export class SubmitError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** JSON Pointer into the graph of what is wrong ("" for the graph as a whole). */
    readonly path = "",
  ) {
    super(message);
  }
}

export interface Runtime {
  store: Store;
  events: EventBus;
  scheduler: Scheduler;
  metrics: RuntimeMetrics;
  aws: AwsContexts;
  clock: Clock;
  providers: PlatformProvider[];
  /** WAIT_APPROVAL stages wait here; the HTTP API approves. */
  approvals: ApprovalBoard;
  /** The runtime config's notifications (null without); GitOps sends its own events through it. */
  notifier: Notifier | null;
  /** Queues a compiled graph (already schema-checked); SubmitError when it cannot run. */
  submit(graph: Graph): Promise<DeploymentRecord>;
  close(): Promise<void>;
}

export function newDeploymentId(): string {
  const rand = crypto.getRandomValues(new Uint8Array(4));
  return `d-${Date.now().toString(36)}-${[...rand].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export function providerFor(providers: PlatformProvider[], graph: Graph): PlatformProvider {
  const wanted = graph.app.platformProvider;
  const p = wanted ? providers.find((x) => x.name === wanted) : providers[0];
  if (!p) {
    const known = providers.map((x) => x.name).join(", ") || "none";
    throw new SubmitError(
      422,
      "unknown_platform_provider",
      wanted
        ? `The app names platform provider "${wanted}", which the runtime config does not define (known: ${known}). Add it under spec.platformProviders, or as a deploy target of the ecs plugin (spec.plugins).`
        : "The runtime config defines no ECS platform provider. Add one under spec.platformProviders, or a deploy target of the ecs plugin (spec.plugins).",
      wanted ? "/app/platformProvider" : "",
    );
  }
  return p;
}

export function serviceKeyOf(provider: PlatformProvider, graph: Graph): string {
  const { cluster, service } = serviceIdentity(graph);
  const clusterName = cluster.split("/").pop();
  return `${provider.name}/${clusterName}/${service ?? `task:${graph.target.taskDefinition.family ?? graph.app.name}`}`;
}

export async function createRuntime(o: RuntimeOptions): Promise<Runtime> {
  const clock = o.clock ?? systemClock();
  const metrics = new RuntimeMetrics();
  const events = new EventBus(o.store);
  const stopFollowing = await events.followReplicas(o.store);
  // Before every AWS request: leases past their local deadline are lost first (their runs stop),
  // so a replica back from a long pause sends nothing for deployments it may no longer own.
  let checkLeases = () => {};
  const aws = new AwsContexts(metrics, o.limits ?? DEFAULT_LIMITS, o.pollIntervalMs ?? 1000, () => checkLeases());
  const approvals = new ApprovalBoard(o.store, events);
  const stages = createStageTable({
    analysis: { providers: o.analysisProviders ?? new Map(), previous: new StorePreviousRuns(o.store), ...(o.fetch ? { fetch: o.fetch } : {}) },
    approvals,
  });
  // Attached before the scheduler starts, so resumed deployments notify too.
  const detachNotifier = o.notifier?.attach(events, o.store);
  const scheduler = new Scheduler({
    store: o.store,
    events,
    clock,
    metrics,
    // Each deployment's ECS calls decrypt its secrets just before they are sent (secrets/reveal.ts).
    awsFor: async (graph) => {
      // A key that cannot decrypt the graph's secrets fails the deployment before any ECS call.
      for (const [name, text] of Object.entries(graph.secrets ?? {})) if (o.secrets) await o.secrets.decrypt(name, text);
      const ctx = await aws.get(providerFor(o.providers, graph));
      return { ...ctx, ecs: revealingApi(ctx.ecs, graph.secrets, o.secrets ?? null) };
    },
    stages,
  }, { ...(o.leaseTtlMs ? { leaseTtlMs: o.leaseTtlMs } : {}), ...(o.replicaId ? { replicaId: o.replicaId } : {}) });
  checkLeases = () => scheduler.ownership.keeper.checkDeadlines();
  await scheduler.start();
  return {
    store: o.store,
    events,
    scheduler,
    metrics,
    aws,
    clock,
    providers: o.providers,
    approvals,
    notifier: o.notifier ?? null,
    async submit(graph) {
      // Every way in (API, in-process deploy) gets the same structural check; the API has also
      // checked the schema and digest by now.
      const problem = checkGraphStructure(graph)[0];
      if (problem) throw new SubmitError(422, "invalid_graph_structure", `${problem.path}: ${problem.message}`, problem.path);
      checkSecrets(graph, o.secrets ?? null);
      const provider = providerFor(o.providers, graph);
      return scheduler.submit(newDeploymentId(), graph.app.name, serviceKeyOf(provider, graph), graph);
    },
    async close() {
      await scheduler.stop();
      detachNotifier?.();
      if (o.notifier) {
        // The last events (DEPLOYMENT_SUCCEEDED...) get a short grace to go out; a dead
        // receiver never holds the shutdown longer than that.
        let grace: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([o.notifier.idle(), new Promise((r) => (grace = setTimeout(r, 2000)))]);
        clearTimeout(grace);
        o.notifier.close();
      }
      aws.destroy();
      await stopFollowing();
      await o.store.close();
    },
  };
}

/** A graph whose secrets this runtime could not decrypt is refused before it is queued. */
function checkSecrets(graph: Graph, keyring: SecretKeyring | null): void {
  for (const [name, text] of Object.entries(graph.secrets ?? {})) {
    const parts = splitCiphertext(text);
    if (isCiphertextProblem(parts)) throw new SubmitError(422, "invalid_secret", `The secret "${name}" is not in PipeCD's encrypted format: ${parts.problem}.`, `/secrets/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`);
  }
  const problem = secretsProblem(secretNamesIn(graph.target), graph.secrets, keyring);
  if (problem) throw new SubmitError(422, "secrets_unavailable", problem, "/secrets");
}
