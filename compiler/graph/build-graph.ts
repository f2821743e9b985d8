// Emits the execution graph (schema/graph.schema.json): the main path, the rollback path, and
// for every node its resolved parameters, timeout, source range and expected state.
import type { ResolvedApp, Stage } from "../model.ts";
import type { PipelineState, StageStep } from "../pipeline/state-model.ts";
import { expansionKey, variantsFor, type TemplateResult } from "../template/check-templates.ts";
import type { AnalysisParams, ExecutionGraph, Variant } from "../validate/generated/types/graph.ts";
import { graphDigest } from "./digest.ts";
import { COMPILER_ID } from "../version.ts";
import { ROLLBACK_NODE_IDS, rollbackScriptNodeId } from "./node-ids.ts";

type GraphNode = ExecutionGraph["nodes"][number];
/** A node's kind and its params, typed together (one member per node kind of the schema). */
type StageAndParams = GraphNode extends infer N ? (N extends GraphNode ? Pick<N, "stage" | "params"> : never) : never;

const MINUTE = 60_000;
const ROLLED_BACK: PipelineState = { taskSets: { primary: { version: "current", scale: 100 }, canary: null }, traffic: { primary: 100, canary: 0 }, weights: null };

function expectOf(s: PipelineState): GraphNode["expect"] {
  return {
    taskSets: { primary: s.taskSets.primary && { ...s.taskSets.primary }, canary: s.taskSets.canary && { ...s.taskSets.canary } },
    traffic: { ...s.traffic },
  };
}

/** The node kind and final params of a pipeline stage: every default is resolved here, not in the runtime. */
function stageAndParams(stage: Stage, before: PipelineState, templates: TemplateResult): StageAndParams {
  const w = stage.with;
  const exp = (kind: "metrics" | "https" | "logs", i: number, field: string) => templates.expanded.get(expansionKey(stage.index, kind, i, field))?.byVariant ?? {};
  switch (w.stage) {
    case "ECS_SYNC":
      return { stage: w.stage, params: { recreate: w.recreate, standalone: false } };
    case "ECS_CANARY_ROLLOUT":
      return { stage: w.stage, params: { scale: w.scale } };
    case "ECS_PRIMARY_ROLLOUT":
    case "ECS_CANARY_CLEAN":
      return { stage: w.stage, params: {} };
    case "ECS_TRAFFIC_ROUTING":
      return { stage: w.stage, params: { primary: w.primary, canary: w.canary, ...(w.given.primary === undefined && w.given.canary === undefined ? { weightsDefaulted: true as const } : {}) } };
    case "WAIT":
      return { stage: w.stage, params: { durationMs: w.durationMs, ...(w.durationGiven ? {} : { durationDefaulted: true as const }) } };
    case "WAIT_APPROVAL":
      return { stage: w.stage, params: { approvers: w.approvers, minApproverNum: w.minApproverNum } };
    case "SCRIPT_RUN":
      // onRollback becomes a node of its own on the rollback path (rollbackPath below).
      return { stage: w.stage, params: { run: w.run, env: w.env } };
    case "ANALYSIS": {
      const judged: Variant = before.taskSets.canary ? "canary" : "primary";
      const params: AnalysisParams = {
        durationMs: w.durationMs,
        metrics: w.metrics.map((m, i) => ({
          provider: m.provider,
          strategy: m.strategy,
          variants: variantsFor(m.strategy, before),
          queries: exp("metrics", i, "query"),
          expected: m.expected,
          deviation: m.deviation,
          intervalMs: m.intervalMs,
          delayMs: m.delayMs,
          failureLimit: m.failureLimit,
          skipOnNoData: m.skipOnNoData,
          timeoutMs: m.timeoutMs,
        })),
        http: w.http.map((h, i) => ({
          variant: judged,
          url: exp("https", i, "url")[judged] ?? h.url,
          method: h.method,
          headers: h.headers.map((hd, j) => ({ key: hd.key, value: exp("https", i, `header.${j}`)[judged] ?? hd.value })),
          expectedCode: h.expectedCode,
          ...(h.expectedResponse !== undefined ? { expectedResponse: h.expectedResponse } : {}),
          intervalMs: h.intervalMs,
          delayMs: h.delayMs,
          failureLimit: h.failureLimit,
          skipOnNoData: h.skipOnNoData,
          timeoutMs: h.timeoutMs,
        })),
        logs: w.logs.map((l, i) => ({
          variant: judged,
          provider: l.provider,
          query: exp("logs", i, "query")[judged] ?? l.query,
          intervalMs: l.intervalMs,
          delayMs: l.delayMs,
          failureLimit: l.failureLimit,
          skipOnNoData: l.skipOnNoData,
          timeoutMs: l.timeoutMs,
        })),
      };
      return { stage: w.stage, params };
    }
  }
}

function rollbackPath(app: ResolvedApp, standalone: boolean): GraphNode[] {
  if (!app.input.autoRollback || standalone) return [];
  const nodes: GraphNode[] = [];
  const base = { source: null, expect: expectOf(ROLLED_BACK), next: null, onFailure: null };
  // Traffic first: users stop seeing the new version before anything else moves.
  if (app.input.accessType === "ELB") nodes.push({ ...base, id: ROLLBACK_NODE_IDS.traffic, stage: "ROLLBACK_TRAFFIC", params: {}, name: "Route all traffic back to the primary", timeoutMs: 5 * MINUTE });
  nodes.push({ ...base, id: ROLLBACK_NODE_IDS.primary, stage: "ROLLBACK_PRIMARY", params: {}, name: "Restore the previous primary task set", timeoutMs: 30 * MINUTE });
  nodes.push({ ...base, id: ROLLBACK_NODE_IDS.clean, stage: "ROLLBACK_CLEAN", params: {}, name: "Remove canary and new task sets", timeoutMs: 15 * MINUTE });
  for (const s of app.stages) {
    if (s.with.stage === "SCRIPT_RUN" && s.with.onRollback) {
      nodes.push({ ...base, id: rollbackScriptNodeId(s.id), stage: "ROLLBACK_SCRIPT_RUN", name: `Rollback script of ${s.id}`, params: { run: s.with.onRollback, env: s.with.env }, timeoutMs: s.timeoutMs });
    }
  }
  return nodes.map((n, i) => ({ ...n, next: nodes[i + 1]?.id ?? null }));
}

/**
 * The servicedef as CreateService input. PipeCD reads it as an ECS Service object, so
 * `clusterArn` / `roleArn` mean what CreateService calls `cluster` / `role`.
 */
function serviceInput(def: Record<string, unknown> | undefined): Record<string, unknown> | null {
  if (!def) return null;
  const { clusterArn, roleArn, ...rest } = def;
  return {
    ...rest,
    ...(rest.cluster === undefined && clusterArn !== undefined ? { cluster: clusterArn } : {}),
    ...(rest.role === undefined && roleArn !== undefined ? { role: roleArn } : {}),
  };
}

/** `secrets`: ciphertext of the secrets the definitions refer to (the runtime decrypts them at the AWS call). */
export function buildGraph(app: ResolvedApp, steps: StageStep[], initial: PipelineState, templates: TemplateResult, secrets: Record<string, string> = {}): ExecutionGraph {
  const standalone = !app.input.serviceDefinitionFile;
  const rollback = rollbackPath(app, standalone);
  const onFailure = rollback[0]?.id ?? null;
  let nodes: GraphNode[];
  if (app.stages.length === 0 || standalone) {
    const synced: PipelineState = { taskSets: { primary: { version: "new", scale: 100 }, canary: null }, traffic: { primary: 100, canary: 0 }, weights: null };
    nodes = [
      {
        id: "sync",
        stage: "ECS_SYNC",
        name: standalone ? "Run the task definition as a standalone task" : "Quick sync: replace the primary task set with the new version",
        params: { recreate: app.quickSync.recreate, standalone, ...(standalone ? { runStandaloneTask: app.input.runStandaloneTask } : {}) },
        timeoutMs: 30 * MINUTE,
        source: null,
        expect: expectOf(standalone ? initial : synced),
        next: null,
        onFailure,
      },
    ];
  } else {
    nodes = steps.map((step, i) => ({
      id: step.stage.id,
      ...stageAndParams(step.stage, step.before, templates),
      name: step.stage.desc ?? step.stage.name,
      timeoutMs: step.stage.timeoutMs,
      source: { file: app.source.path, ...app.source.rangeOf(step.stage.path) },
      expect: expectOf(step.after),
      next: steps[i + 1]?.stage.id ?? null,
      onFailure,
    }));
  }
  const service = serviceInput(app.service?.value as Record<string, unknown> | undefined);
  const taskDefinition = (app.taskDefinition?.value ?? {}) as Record<string, any>;
  const tg = (t: ResolvedApp["input"]["targetGroups"]["primary"]) =>
    t ? { targetGroupArn: t.targetGroupArn, ...(t.containerName ? { containerName: t.containerName } : {}), ...(t.containerPort ? { containerPort: t.containerPort } : {}), ...(t.loadBalancerName ? { loadBalancerName: t.loadBalancerName } : {}) } : null;
  const image = taskDefinition.containerDefinitions?.[0]?.image;
  const graph: Omit<ExecutionGraph, "digest"> = {
    apiVersion: "kanaria.dev/v1alpha1",
    kind: "ExecutionGraph",
    compiler: COMPILER_ID,
    source: {
      app: app.source.path,
      ...(app.input.serviceDefinitionFile ? { serviceDefinitionFile: app.input.serviceDefinitionFile } : {}),
      ...(app.input.taskDefinitionFile ? { taskDefinitionFile: app.input.taskDefinitionFile } : {}),
    },
    app: {
      name: app.name,
      labels: app.labels,
      ...(app.description ? { description: app.description } : {}),
      ...(app.platformProvider ? { platformProvider: app.platformProvider } : {}),
    },
    strategy: standalone ? "standalone" : app.stages.length === 0 ? "quickSync" : "pipeline",
    target: {
      ...(service?.cluster || app.input.clusterArn ? { cluster: String(service?.cluster ?? app.input.clusterArn) } : {}),
      service,
      taskDefinition,
      accessType: app.input.accessType,
      targetGroups: { primary: tg(app.input.targetGroups.primary), canary: tg(app.input.targetGroups.canary) },
      launchType: app.input.launchType,
      ...(app.input.awsvpcConfiguration ? { awsvpcConfiguration: { ...app.input.awsvpcConfiguration } } : {}),
      autoRollback: app.input.autoRollback,
      ...(app.alwaysUsePipeline ? { alwaysUsePipeline: true } : {}),
      ...(typeof image === "string" ? { image } : {}),
    },
    ...(Object.keys(secrets).length ? { secrets } : {}),
    timeoutMs: app.timeoutMs,
    entry: nodes[0].id,
    nodes,
    rollback,
  };
  return { ...graph, digest: graphDigest(graph) } as ExecutionGraph;
}
