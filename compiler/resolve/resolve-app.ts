// Builds the ResolvedApp from a schema-valid app value: defaults applied, durations in ms,
// percentages as numbers, analysis templates merged in, every piece tagged with its path.
import type { DataPath, SourceFile } from "../source/source-file.ts";
import type {
  AnalysisHttp,
  AnalysisLog,
  AnalysisMetric,
  LoadedFile,
  ResolvedApp,
  SamplingOptions,
  Stage,
  StageName,
  StageWith,
  TargetGroupRef,
} from "../model.ts";
import { parseDuration } from "./duration.ts";
import { parsePercentage } from "./percentage.ts";
import { DEFAULTS, STAGE_MARGIN_MS, STAGE_TIMEOUT_MS } from "./defaults.ts";

type Obj = Record<string, any>;

export interface AnalysisTemplates {
  source: SourceFile;
  value: Obj;
}

export interface ResolveInput {
  source: SourceFile;
  /** Schema-valid app document (nulls removed). */
  value: Obj;
  service: LoadedFile | null;
  taskDefinition: LoadedFile | null;
  analysisTemplates: AnalysisTemplates | null;
}

const ms = (v: unknown, fallback: number): number => (typeof v === "string" ? (parseDuration(v) ?? fallback) : fallback);
const strMap = (v: unknown): Record<string, string> =>
  v && typeof v === "object" ? Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, String(x)])) : {};

function targetGroup(v: Obj | undefined, path: DataPath): TargetGroupRef | undefined {
  if (!v) return undefined;
  return {
    targetGroupArn: String(v.targetGroupArn ?? ""),
    containerName: v.containerName,
    containerPort: v.containerPort,
    loadBalancerName: v.loadBalancerName,
    path,
  };
}

/** A metric/http/log entry may name an analysis template; the template supplies its fields. */
function withTemplate(
  entry: Obj,
  path: DataPath,
  section: "metrics" | "logs" | "https",
  templates: AnalysisTemplates | null,
): { fields: Obj; fromTemplate: SourceFile | undefined; fieldPath: (k: string) => DataPath } {
  const ref = entry.template as Obj | undefined;
  const tpl = ref?.name ? templates?.value?.spec?.[section]?.[ref.name] : undefined;
  if (!tpl) return { fields: entry, fromTemplate: undefined, fieldPath: (k) => [...path, k] };
  const merged = { ...tpl, ...Object.fromEntries(Object.entries(entry).filter(([k]) => k !== "template")) };
  return {
    fields: merged,
    fromTemplate: templates!.source,
    fieldPath: (k) => (k in entry ? [...path, k] : ["spec", section, ref!.name, k]),
  };
}

function sampling(f: Obj): SamplingOptions {
  return {
    intervalMs: ms(f.interval, 60_000),
    delayMs: ms(f.delay, 0),
    failureLimit: f.failureLimit ?? DEFAULTS.analysisFailureLimit,
    skipOnNoData: f.skipOnNoData ?? false,
    timeoutMs: ms(f.timeout, DEFAULTS.analysisQueryTimeoutMs),
  };
}

function resolveMetric(m: Obj, path: DataPath, templates: AnalysisTemplates | null): AnalysisMetric {
  const { fields: f, fromTemplate, fieldPath } = withTemplate(m, path, "metrics", templates);
  const queryFromTemplate = fromTemplate && !("query" in m);
  return {
    strategy: f.strategy ?? "THRESHOLD",
    provider: String(f.provider ?? ""),
    query: String(f.query ?? ""),
    expected: { min: f.expected?.min, max: f.expected?.max },
    ...sampling(f),
    deviation: f.deviation ?? "EITHER",
    primaryArgs: strMap(f.primaryArgs),
    canaryArgs: strMap(f.canaryArgs),
    baselineArgs: strMap(f.baselineArgs),
    appArgs: strMap(m.template?.appArgs),
    path,
    queryPath: fieldPath("query"),
    templateFile: queryFromTemplate ? fromTemplate : undefined,
  };
}

function resolveHttp(h: Obj, path: DataPath, templates: AnalysisTemplates | null): AnalysisHttp {
  const { fields: f, fromTemplate } = withTemplate(h, path, "https", templates);
  return {
    url: String(f.url ?? ""),
    method: f.method ?? DEFAULTS.httpMethod,
    headers: Array.isArray(f.headers) ? f.headers.map((x: Obj) => ({ key: String(x.key), value: String(x.value) })) : [],
    expectedCode: f.expectedCode ?? DEFAULTS.httpExpectedCode,
    expectedResponse: f.expectedResponse,
    ...sampling(f),
    path,
    templateFile: fromTemplate && !("url" in h) ? fromTemplate : undefined,
  };
}

function resolveLog(l: Obj, path: DataPath, templates: AnalysisTemplates | null): AnalysisLog {
  const { fields: f, fromTemplate } = withTemplate(l, path, "logs", templates);
  return {
    provider: String(f.provider ?? ""),
    query: String(f.query ?? ""),
    ...sampling(f),
    path,
    templateFile: fromTemplate && !("query" in l) ? fromTemplate : undefined,
  };
}

function resolveWith(name: StageName, w: Obj, path: DataPath, templates: AnalysisTemplates | null, quickSyncRecreate: boolean): StageWith {
  switch (name) {
    case "ECS_SYNC":
      // PipeCD's ECS_SYNC executor always takes quickSync.recreate; a stage's own recreate wins here.
      return { stage: name, recreate: w.recreate ?? quickSyncRecreate };
    case "ECS_CANARY_ROLLOUT":
      return { stage: name, scale: parsePercentage(w.scale) ?? 0 };
    case "ECS_TRAFFIC_ROUTING": {
      const primary = w.primary === undefined ? undefined : (parsePercentage(w.primary) ?? undefined);
      const canary = w.canary === undefined ? undefined : (parsePercentage(w.canary) ?? undefined);
      // PipeCD: the side not given is 100 minus the given one; primary wins when both are given.
      const p = primary ?? (canary !== undefined ? 100 - canary : 100);
      const c = primary !== undefined && canary === undefined ? 100 - primary : (canary ?? 0);
      return { stage: name, primary: p, canary: c, given: { primary, canary } };
    }
    case "WAIT":
      return { stage: name, durationMs: ms(w.duration, DEFAULTS.waitDurationMs), durationGiven: w.duration !== undefined };
    case "WAIT_APPROVAL":
      return {
        stage: name,
        approvers: Array.isArray(w.approvers) ? w.approvers.map(String) : [],
        minApproverNum: w.minApproverNum ?? DEFAULTS.minApproverNum,
        timeoutMs: ms(w.timeout, DEFAULTS.approvalTimeoutMs),
      };
    case "ANALYSIS":
      return {
        stage: name,
        durationMs: ms(w.duration, 0),
        metrics: (w.metrics ?? []).map((m: Obj, i: number) => resolveMetric(m, [...path, "with", "metrics", i], templates)),
        http: (w.https ?? []).map((h: Obj, i: number) => resolveHttp(h, [...path, "with", "https", i], templates)),
        logs: (w.logs ?? []).map((l: Obj, i: number) => resolveLog(l, [...path, "with", "logs", i], templates)),
      };
    case "SCRIPT_RUN":
      return { stage: name, run: String(w.run ?? ""), env: strMap(w.env), timeoutMs: ms(w.timeout, DEFAULTS.scriptTimeoutMs), onRollback: w.onRollback };
    default:
      return { stage: name } as StageWith;
  }
}

function stageTimeout(w: StageWith, given: number | null): number {
  if (given !== null && given > 0) return given;
  switch (w.stage) {
    case "WAIT":
      return w.durationMs + STAGE_MARGIN_MS;
    case "WAIT_APPROVAL":
      return w.timeoutMs;
    case "SCRIPT_RUN":
      return w.timeoutMs;
    case "ANALYSIS": {
      const maxDelay = Math.max(0, ...w.metrics.map((m) => m.delayMs), ...w.http.map((h) => h.delayMs), ...w.logs.map((l) => l.delayMs));
      return w.durationMs + maxDelay + STAGE_MARGIN_MS;
    }
    default:
      return STAGE_TIMEOUT_MS[w.stage];
  }
}

export function resolveApp(input: ResolveInput): ResolvedApp {
  const spec: Obj = input.value.spec ?? {};
  const inp: Obj = spec.input ?? {};
  const stagesRaw: Obj[] = spec.pipeline?.stages ?? [];
  const stages: Stage[] = stagesRaw.map((s, index) => {
    const path: DataPath = ["spec", "pipeline", "stages", index];
    const name = s.name as StageName;
    const w = resolveWith(name, s.with ?? {}, path, input.analysisTemplates, spec.quickSync?.recreate ?? false);
    return {
      index,
      id: s.id ?? `stage-${index}`,
      idGiven: s.id !== undefined,
      name,
      desc: s.desc,
      timeoutMs: stageTimeout(w, typeof s.timeout === "string" ? parseDuration(s.timeout) : null),
      with: w,
      path,
    };
  });
  return {
    source: input.source,
    name: String(spec.name ?? ""),
    labels: strMap(spec.labels),
    description: spec.description,
    platformProvider: spec.platformProvider ?? spec.cloudProvider,
    hasInput: spec.input !== undefined,
    input: {
      serviceDefinitionFile: inp.serviceDefinitionFile,
      taskDefinitionFile: inp.taskDefinitionFile,
      targetGroups: {
        primary: targetGroup(inp.targetGroups?.primary, ["spec", "input", "targetGroups", "primary"]),
        canary: targetGroup(inp.targetGroups?.canary, ["spec", "input", "targetGroups", "canary"]),
      },
      accessType: inp.accessType ?? "ELB",
      launchType: inp.launchType ?? "FARGATE",
      awsvpcConfiguration: inp.awsvpcConfiguration,
      clusterArn: inp.clusterArn,
      runStandaloneTask: inp.runStandaloneTask ?? true,
      // PipeCD v0 reads only input.autoRollback for ECS (planner.autoRollback is accepted and ignored).
      autoRollback: inp.autoRollback ?? true,
    },
    service: input.service,
    taskDefinition: input.taskDefinition,
    stages,
    quickSync: { recreate: spec.quickSync?.recreate ?? false },
    alwaysUsePipeline: spec.planner?.alwaysUsePipeline ?? false,
    timeoutMs: ms(spec.timeout, DEFAULTS.deploymentTimeoutMs),
  };
}
