// Applies servicedef.yaml to the service, as PipeCD's applyServiceDefinition does before every
// task-set rollout: CreateService when the service does not exist; otherwise UpdateService with
// the fields an EXTERNAL-controller service can change, then the service's tags — each only when
// it differs from the service as the deployment's snapshot saw it. Each call is a journaled step
// of the deployment (once per deployment, whichever stage comes first), and each is idempotent,
// so a re-issue after a crash changes nothing twice.
import { CreateServiceCommand, ListTagsForResourceCommand, TagResourceCommand, UntagResourceCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { DEPLOYMENT_NODE, type StageContext } from "../executor/stage-contract.ts";
import { clientToken } from "./ids.ts";

type Tag = { key: string; value: string };

const MANAGED_BY: Tag = { key: "kanaria:managed-by", value: "kanaria" };
/** Tags Kanaria sets itself: never removed as "no longer in the servicedef". */
const isKanariaTag = (key: string) => key.startsWith("kanaria:");

/** The tags the service should carry: the servicedef's, plus Kanaria's own. */
function desiredTags(def: Record<string, unknown>): Tag[] {
  const own = ((def.tags as Tag[] | undefined) ?? []).map((t) => ({ key: String(t.key), value: String(t.value ?? "") }));
  return [...own.filter((t) => t.key !== MANAGED_BY.key), MANAGED_BY];
}

/**
 * The desiredCount the service runs with once the servicedef is applied: the file's, or — when
 * the file says 0 or nothing — the service's current one (auto scaling owns it, as in PipeCD).
 */
export function appliedDesiredCount(ctx: StageContext): number {
  const given = Number(ctx.graph.target.service?.desiredCount ?? 0);
  return given > 0 ? given : (ctx.snapshot.desiredCount ?? 0);
}

async function createService(ctx: StageContext): Promise<void> {
  const def = { ...(ctx.graph.target.service ?? {}) };
  if ((def.deploymentController as { type?: string } | undefined)?.type === "EXTERNAL") {
    // With the EXTERNAL controller the task definition, load balancers and registries live on task sets.
    delete def.taskDefinition;
    delete def.loadBalancers;
    delete def.serviceRegistries;
  }
  const input = { ...def, cluster: ctx.cluster, serviceName: ctx.service, tags: desiredTags(def), clientToken: clientToken(ctx.deploymentId, DEPLOYMENT_NODE, "create-service") };
  await ctx.journal.step(DEPLOYMENT_NODE, "create-service", "CreateService", { serviceName: ctx.service }, async () => {
    const r = await ctx.aws.ecs.call(new CreateServiceCommand(input as any), { signal: ctx.signal });
    return { arn: r.service?.serviceArn ?? null };
  });
}

/** What UpdateService changes on an existing EXTERNAL service (PipeCD's field list). */
export function serviceUpdateInput(ctx: StageContext): Record<string, unknown> {
  const def = ctx.graph.target.service ?? {};
  const given = Number(def.desiredCount ?? 0);
  return {
    cluster: ctx.cluster,
    service: ctx.service,
    // PipeCD sends both flags on every update, so an absent one turns the option off.
    enableExecuteCommand: def.enableExecuteCommand === true,
    enableECSManagedTags: def.enableECSManagedTags === true,
    ...(def.placementStrategy !== undefined ? { placementStrategy: def.placementStrategy } : {}),
    ...(def.propagateTags !== undefined ? { propagateTags: def.propagateTags } : {}),
    ...(given > 0 ? { desiredCount: given } : {}),
  };
}

/** Whether UpdateService would change anything on the service as the snapshot saw it. */
function changesService(ctx: StageContext, input: Record<string, unknown>): boolean {
  const was = ctx.snapshot.settings;
  if (!was) return true; // a snapshot from an older version: apply, as PipeCD always does
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return (
    ("desiredCount" in input && input.desiredCount !== ctx.snapshot.desiredCount) ||
    input.enableExecuteCommand !== was.enableExecuteCommand ||
    input.enableECSManagedTags !== was.enableECSManagedTags ||
    ("propagateTags" in input && input.propagateTags !== was.propagateTags) ||
    ("placementStrategy" in input && !same(input.placementStrategy, was.placementStrategy))
  );
}

async function updateService(ctx: StageContext): Promise<void> {
  const input = serviceUpdateInput(ctx);
  const was = ctx.snapshot.settings;
  // Only what differs is sent (the outcome PipeCD's unconditional calls have, without spending
  // the account's ECS write budget on a no-op for every deployment).
  let arn = was?.arn ?? "";
  if (changesService(ctx, input)) {
    const r = await ctx.journal.step(DEPLOYMENT_NODE, "update-service", "UpdateService", input, async () => {
      const out = await ctx.aws.ecs.call(new UpdateServiceCommand(input as any), { signal: ctx.signal });
      return { arn: String(out.service?.serviceArn ?? ""), desiredCount: out.service?.desiredCount ?? null };
    });
    arn ||= r.arn;
  }
  if (!arn) return;
  const desired = desiredTags(ctx.graph.target.service ?? {});
  const current: Tag[] =
    was?.tags ?? ((await ctx.aws.ecs.call(new ListTagsForResourceCommand({ resourceArn: arn }), { signal: ctx.signal })).tags ?? []).map((t: { key?: string; value?: string }) => ({ key: String(t.key), value: String(t.value ?? "") }));
  // Tags the servicedef no longer has are removed (as PipeCD does), then the file's are set.
  const tagKeys = current.map((t) => t.key).filter((k) => !isKanariaTag(k) && !desired.some((t) => t.key === k));
  if (tagKeys.length) {
    await ctx.journal.step(DEPLOYMENT_NODE, "untag-service", "UntagResource", { resourceArn: arn, tagKeys }, async () => {
      await ctx.aws.ecs.call(new UntagResourceCommand({ resourceArn: arn, tagKeys }), { signal: ctx.signal });
      return { removed: tagKeys };
    });
  }
  if (desired.some((t) => !current.some((c) => c.key === t.key && c.value === t.value))) {
    await ctx.journal.step(DEPLOYMENT_NODE, "tag-service", "TagResource", { resourceArn: arn, tags: desired }, async () => {
      await ctx.aws.ecs.call(new TagResourceCommand({ resourceArn: arn, tags: desired }), { signal: ctx.signal });
      return { tags: desired.length };
    });
  }
}

/**
 * Creates the service, or applies the servicedef to the existing one. A service on the ECS
 * deployment controller is left to ECS_SYNC's own UpdateService (it carries the same fields).
 */
export async function applyServiceDefinition(ctx: StageContext): Promise<void> {
  if (!ctx.service) return;
  if (!ctx.snapshot.serviceExists) return createService(ctx);
  if (ctx.snapshot.controller === "EXTERNAL") await updateService(ctx);
}
