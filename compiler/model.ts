// The resolved application: what the compiler knows after parse + validate + resolve.
// Durations are milliseconds, percentages are numbers, defaults are applied, and every piece
// keeps the data path it came from so rules can point at it.
import type { SourceFile, DataPath } from "./source/source-file.ts";

export type StageName =
  | "ECS_SYNC"
  | "ECS_CANARY_ROLLOUT"
  | "ECS_PRIMARY_ROLLOUT"
  | "ECS_TRAFFIC_ROUTING"
  | "ECS_CANARY_CLEAN"
  | "WAIT"
  | "WAIT_APPROVAL"
  | "ANALYSIS"
  | "SCRIPT_RUN";

export const TASK_SET_STAGES: ReadonlySet<StageName> = new Set([
  "ECS_CANARY_ROLLOUT",
  "ECS_PRIMARY_ROLLOUT",
  "ECS_TRAFFIC_ROUTING",
  "ECS_CANARY_CLEAN",
]);

// Defined once, by the graph schema (the analysis engine reads the same types).
import type { Deviation, Strategy, Variant as VariantName } from "./validate/generated/types/graph.ts";
export type { Deviation, Strategy, VariantName };

/** A loaded servicedef/taskdef (or any referenced file). */
export interface LoadedFile<T = Record<string, unknown>> {
  /** Path as given in the app (relative to the app file). */
  ref: string;
  source: SourceFile;
  value: T;
}

export interface TargetGroupRef {
  targetGroupArn: string;
  containerName?: string;
  containerPort?: number;
  loadBalancerName?: string;
  path: DataPath;
}

export interface AnalysisMetric extends SamplingOptions {
  strategy: Strategy;
  provider: string;
  /** Raw query as written (templates not yet expanded). */
  query: string;
  expected: { min?: number; max?: number };
  deviation: Deviation;
  primaryArgs: Record<string, string>;
  canaryArgs: Record<string, string>;
  baselineArgs: Record<string, string>;
  /** Args given by `template.appArgs` (the `.AppCustomArgs` of PipeCD). */
  appArgs: Record<string, string>;
  path: DataPath;
  /** Path of the query string (may point into an analysis template file). */
  queryPath: DataPath;
  /** Set when the metric came from an analysis template file. */
  templateFile?: SourceFile;
}

/** How an analysis check samples: one query per interval, judged against failureLimit. */
export interface SamplingOptions {
  intervalMs: number;
  /** Shift of the query window back in time, for metric ingestion lag. */
  delayMs: number;
  failureLimit: number;
  skipOnNoData: boolean;
  /** Timeout of one query. */
  timeoutMs: number;
}

export interface AnalysisHttp extends SamplingOptions {
  url: string;
  method: string;
  headers: { key: string; value: string }[];
  expectedCode: number;
  expectedResponse?: string;
  path: DataPath;
  templateFile?: SourceFile;
}

export interface AnalysisLog extends SamplingOptions {
  provider: string;
  query: string;
  path: DataPath;
  templateFile?: SourceFile;
}

export type StageWith =
  | { stage: "ECS_SYNC"; recreate: boolean }
  | { stage: "ECS_CANARY_ROLLOUT"; scale: number }
  | { stage: "ECS_PRIMARY_ROLLOUT" }
  | {
      stage: "ECS_TRAFFIC_ROUTING";
      /** Effective weights (the missing side is 100 − the given side, as in PipeCD). */
      primary: number;
      canary: number;
      /** What the user actually wrote, for rules that care. */
      given: { primary?: number; canary?: number };
    }
  | { stage: "ECS_CANARY_CLEAN" }
  | { stage: "WAIT"; durationMs: number; /** false: PipeCD's default duration applies. */ durationGiven: boolean }
  | { stage: "WAIT_APPROVAL"; approvers: string[]; minApproverNum: number; timeoutMs: number }
  | {
      stage: "ANALYSIS";
      durationMs: number;
      metrics: AnalysisMetric[];
      http: AnalysisHttp[];
      logs: AnalysisLog[];
    }
  | { stage: "SCRIPT_RUN"; run: string; env: Record<string, string>; timeoutMs: number; onRollback?: string };

export interface Stage {
  index: number;
  /** `id` from the file, or `stage-<index>` (PipeCD's own default). */
  id: string;
  idGiven: boolean;
  name: StageName;
  desc?: string;
  /** Stage timeout; default depends on the stage (see resolve/defaults.ts). */
  timeoutMs: number;
  with: StageWith;
  /** Path of the stage item inside the app file. */
  path: DataPath;
}

export interface AwsVpcConfiguration {
  subnets: string[];
  securityGroups?: string[];
  assignPublicIp?: "ENABLED" | "DISABLED";
}

export interface ResolvedApp {
  source: SourceFile;
  name: string;
  labels: Record<string, string>;
  description?: string;
  platformProvider?: string;
  /** True when the app has an `input` block at all (PipeCD treats a missing one as standalone). */
  hasInput: boolean;
  input: {
    serviceDefinitionFile?: string;
    taskDefinitionFile?: string;
    targetGroups: { primary?: TargetGroupRef; canary?: TargetGroupRef };
    accessType: "ELB" | "SERVICE_DISCOVERY";
    launchType: "FARGATE" | "EC2";
    awsvpcConfiguration?: AwsVpcConfiguration;
    clusterArn?: string;
    runStandaloneTask: boolean;
    autoRollback: boolean;
  };
  /** The ECS service definition, or null for standalone tasks (or when it failed to load). */
  service: LoadedFile | null;
  taskDefinition: LoadedFile | null;
  /** Pipeline stages; empty when the app uses quick sync. */
  stages: Stage[];
  /** Quick sync options (used when `stages` is empty). */
  quickSync: { recreate: boolean };
  /** planner.alwaysUsePipeline: the pipeline runs even for a first deployment. */
  alwaysUsePipeline: boolean;
  /** Whole-deployment timeout. */
  timeoutMs: number;
}
