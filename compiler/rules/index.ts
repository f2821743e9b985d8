// Every rule id Kanaria reports, one module each. The table test in test/compiler/rules.test.ts
// runs each rule's valid and invalid examples.
import type { LintRule, Rule } from "./rule.ts";
import { isLintRule } from "./rule.ts";
import yamlSyntax from "./yaml-syntax.ts";
import schema from "./schema.ts";
import fileNotFound from "./file-not-found.ts";
import fileOutsideRepository from "./file-outside-repository.ts";
import secretCiphertext from "./secret-ciphertext.ts";
import secretUnknown from "./secret-unknown.ts";
import decryptionTargetUnused from "./decryption-target-unused.ts";
import templateNotRendered from "./template-not-rendered.ts";
import attachmentUnknownSource from "./attachment-unknown-source.ts";
import attachmentTargetUnused from "./attachment-target-unused.ts";
import templateSyntax from "./template-syntax.ts";
import templateUnknownVariable from "./template-unknown-variable.ts";
import templateLegacySyntax from "./template-legacy-syntax.ts";
import unknownProvider from "./unknown-provider.ts";
import trafficPercentages from "./traffic-percentages.ts";
import trafficBeforeCanaryRollout from "./traffic-before-canary-rollout.ts";
import cleanWhileCanaryServing from "./clean-while-canary-serving.ts";
import missingPrimaryRollout from "./missing-primary-rollout.ts";
import pipelineEndsOffPrimary from "./pipeline-ends-off-primary.ts";
import canaryNotCleaned from "./canary-not-cleaned.ts";
import scaleRange from "./scale-range.ts";
import analysisWithoutCanaryTraffic from "./analysis-without-canary-traffic.ts";
import analysisDurationInterval from "./analysis-duration-interval.ts";
import analysisLogsUnsupported from "./analysis-logs-unsupported.ts";
import thresholdExpectedMissing from "./threshold-expected-missing.ts";
import baselineVariantMissing from "./baseline-variant-missing.ts";
import waitApprovalApprovers from "./wait-approval-approvers.ts";
import duplicateStageId from "./duplicate-stage-id.ts";
import reservedStageId from "./reserved-stage-id.ts";
import stageExceedsDeploymentTimeout from "./stage-exceeds-deployment-timeout.ts";
import ecsDeploymentController from "./ecs-deployment-controller.ts";
import ecsContainerPort from "./ecs-container-port.ts";
import ecsFargateNetworkMode from "./ecs-fargate-network-mode.ts";
import ecsFargateCpuMemory from "./ecs-fargate-cpu-memory.ts";
import ecsLaunchTypeCapacityProvider from "./ecs-launch-type-capacity-provider.ts";
import ecsSchedulingStrategy from "./ecs-scheduling-strategy.ts";
import ecsServiceConnect from "./ecs-service-connect.ts";
import ecsStandaloneWithPipeline from "./ecs-standalone-with-pipeline.ts";
import ecsTrafficRoutingServiceDiscovery from "./ecs-traffic-routing-service-discovery.ts";
import ecsTargetGroups from "./ecs-target-groups.ts";

export const RULES: readonly Rule[] = [
  yamlSyntax,
  schema,
  fileNotFound,
  fileOutsideRepository,
  secretCiphertext,
  secretUnknown,
  decryptionTargetUnused,
  templateNotRendered,
  attachmentUnknownSource,
  attachmentTargetUnused,
  templateSyntax,
  templateUnknownVariable,
  templateLegacySyntax,
  unknownProvider,
  trafficPercentages,
  trafficBeforeCanaryRollout,
  cleanWhileCanaryServing,
  missingPrimaryRollout,
  pipelineEndsOffPrimary,
  canaryNotCleaned,
  scaleRange,
  analysisWithoutCanaryTraffic,
  analysisDurationInterval,
  analysisLogsUnsupported,
  thresholdExpectedMissing,
  baselineVariantMissing,
  waitApprovalApprovers,
  duplicateStageId,
  reservedStageId,
  stageExceedsDeploymentTimeout,
  ecsDeploymentController,
  ecsContainerPort,
  ecsFargateNetworkMode,
  ecsFargateCpuMemory,
  ecsLaunchTypeCapacityProvider,
  ecsSchedulingStrategy,
  ecsServiceConnect,
  ecsStandaloneWithPipeline,
  ecsTrafficRoutingServiceDiscovery,
  ecsTargetGroups,
];

export const LINT_RULES: readonly LintRule[] = RULES.filter(isLintRule);

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
