// Git's side of the comparison, from a compiled app's execution graph: target.service is the
// servicedef (CreateService input), target.taskDefinition the taskdef (RegisterTaskDefinition
// input), target.launchType / targetGroups / accessType what the stages give each new task set
// (see runtime/stages/task-sets.ts placement()). Pure.
//
// Strings that refer to encrypted secrets (`{{ .encryptedSecrets.NAME }}`) are compared only
// with their plaintext (`revealed`, decrypted by the caller with the runtime's key); without it
// they are left out (UNCHECKED). Either way their paths are listed in `sensitive` so that a diff
// never shows a secret's value.
import type { Graph } from "../../executor/graph.ts";
import { replaceReferencesSync, secretNamesIn } from "../../../compiler/secrets/references.ts";
import { placementOf, serviceSettingsOf, taskDefinitionOf, type Comparable } from "./comparable.ts";
import { Keyed, UNCHECKED } from "./differ.ts";

export interface DesiredState {
  state: Comparable;
  /** Paths whose values must be masked in a diff (they hold secrets). */
  sensitive: string[];
}

/** The primary task set a finished deployment of `graph` leaves behind. */
function desiredPrimary(graph: Graph): Record<string, unknown> {
  const def = graph.target.service ?? {};
  const external = (def.deploymentController as { type?: string } | undefined)?.type === "EXTERNAL";
  const cps = def.capacityProviderStrategy as unknown[] | undefined;
  const tg = graph.target.targetGroups.primary;
  const elb = graph.target.accessType === "ELB";
  return placementOf(
    {
      ...(cps?.length ? { capacityProviderStrategy: cps } : { launchType: def.launchType ?? graph.target.launchType }),
      platformVersion: def.platformVersion,
      networkConfiguration: def.networkConfiguration,
      ...(external
        ? {
            scale: 100,
            loadBalancers: elb && tg ? [tg] : undefined,
            serviceRegistries: !elb ? def.serviceRegistries : undefined,
          }
        : { loadBalancers: def.loadBalancers, serviceRegistries: def.serviceRegistries }),
    },
    true,
  );
}

/** Replaces secret references in every string below `value`, recording their paths. */
function revealStrings(value: unknown, path: string, revealed: ReadonlyMap<string, string> | undefined, sensitive: string[]): unknown {
  if (typeof value === "string") {
    const names = secretNamesIn(value);
    if (names.size === 0) return value;
    sensitive.push(path);
    if (!revealed || [...names].some((n) => !revealed.has(n))) return UNCHECKED;
    return replaceReferencesSync(value, "encryptedSecrets", (n) => revealed.get(n) ?? "");
  }
  if (value instanceof Keyed) {
    const out = new Keyed();
    for (const [k, v] of value) out.set(k, revealStrings(v, `${path}[${k}]`, revealed, sensitive));
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => revealStrings(v, `${path}[${i}]`, revealed, sensitive));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealStrings(v, path ? `${path}.${k}` : k, revealed, sensitive)]));
  }
  return value;
}

/**
 * `revealed`: plaintext of the graph's secrets by name; "references": keep the references as
 * written (comparing Git with Git, where both sides hold references, not values).
 */
export function desiredState(graph: Graph, revealed?: ReadonlyMap<string, string> | "references"): DesiredState {
  const sensitive: string[] = [];
  const comparable = {
    service: serviceSettingsOf(graph.target.service ?? {}),
    primaryTaskSet: desiredPrimary(graph),
    taskDefinition: taskDefinitionOf(graph.target.taskDefinition, true),
  };
  if (revealed === "references") return { state: comparable, sensitive };
  const state = revealStrings(
    comparable,
    "",
    revealed,
    sensitive,
  ) as Comparable;
  return { state, sensitive };
}
