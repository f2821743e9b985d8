// Rewrites a PipeCD v0 app (kind: ECSApp) as the same app in PipeCD v1's format (kind:
// Application, spec.plugins.ecs, spec.deployTarget), keeping every node's text and comments, so
// tests can check that both formats get the same diagnostics and graph. Null when the app uses
// something v1 cannot say (stage ids, "20%" percentages, v0-only keys, no input) or is not a mapping.
import { isMap, isScalar, isSeq, parseDocument, YAMLMap, type Node } from "yaml";

const V0_ONLY_SPEC = ["cloudProvider", "triggerPaths", "variantLabel"];

export function toPipecdV1(v0: string): string | null {
  const doc = parseDocument(v0);
  if (doc.errors.length || !isMap(doc.contents)) return null;
  const spec = doc.get("spec", true);
  if (!isMap(spec)) return null;
  if (V0_ONLY_SPEC.some((k) => spec.has(k))) return null;
  const input = spec.get("input", true) as Node | undefined;
  // v1 has no default input (no taskdef.json): an app without one is a schema error there.
  if (input === undefined) return null;
  if (isMap(input)) {
    if (input.has("listenerRuleSelector")) return null;
    const tgs = input.get("targetGroups", true);
    if (isMap(tgs)) for (const side of ["primary", "canary"]) if ((tgs.get(side, true) as YAMLMap | undefined)?.has?.("loadBalancerName")) return null;
  }
  const stages = (spec.get("pipeline", true) as YAMLMap | undefined)?.get?.("stages", true);
  if (isSeq(stages)) {
    for (const s of stages.items) {
      if (!isMap(s)) continue;
      if (s.has("id")) return null;
      const w = s.get("with", true);
      // v1 reads traffic weights as Go ints and scale as a float: "20%" does not decode.
      if (isMap(w)) for (const k of ["scale", "primary", "canary"]) if (isScalar(w.get(k, true)) && typeof (w.get(k, true) as any).value === "string") return null;
    }
  }
  doc.set("kind", "Application");
  const moved = new YAMLMap();
  const ecs = new YAMLMap();
  const inputNode = spec.get("input", true);
  if (inputNode !== undefined) {
    if (isMap(inputNode)) {
      // v0 runs a standalone task by default, v1 only when asked to.
      if (!inputNode.has("serviceDefinitionFile") && !inputNode.has("runStandaloneTask")) inputNode.set("runStandaloneTask", true);
      const auto = inputNode.get("autoRollback", true);
      if (auto !== undefined) {
        inputNode.delete("autoRollback");
        const planner = (spec.get("planner", true) as YAMLMap | undefined) ?? new YAMLMap();
        planner.set("autoRollback", auto);
        spec.set("planner", planner);
      }
    }
    ecs.set("input", inputNode);
    spec.delete("input");
  }
  const quick = spec.get("quickSync", true);
  if (quick !== undefined) {
    ecs.set("quickSync", quick);
    spec.delete("quickSync");
  }
  const provider = spec.get("platformProvider", true);
  spec.delete("platformProvider");
  const items = spec.items;
  spec.items = [];
  spec.set("plugin", "ecs");
  if (provider !== undefined) spec.set("deployTarget", provider);
  for (const it of items) spec.items.push(it);
  if (ecs.items.length) {
    moved.set("ecs", ecs);
    spec.set("plugins", moved);
  }
  return doc.toString({ lineWidth: 0 });
}
