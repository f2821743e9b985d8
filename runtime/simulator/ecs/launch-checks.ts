// Input checks shared by CreateService, CreateTaskSet and RunTask: launch type vs capacity
// providers, awsvpc networking, load balancer target groups. Pure checks over the state: no
// lookups of services or task sets, so every ECS module can use them without import cycles.

import { ecsErrors } from "../errors.ts";
import { loadBalancerArnsOf } from "../elbv2/target-groups.ts";
import type { SimState, TaskDefinition } from "../state.ts";
import { containerNames, isAwsvpc } from "./task-definitions.ts";
import type { Input } from "./util.ts";

/** launchType vs capacityProviderStrategy, and awsvpc needs a networkConfiguration. */
export function checkLaunchOptions(input: Input, td: TaskDefinition | undefined, needsNetwork: boolean): void {
  if (input.launchType !== undefined && Array.isArray(input.capacityProviderStrategy) && input.capacityProviderStrategy.length > 0) {
    throw ecsErrors.invalidParameter(
      "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.",
    );
  }
  if (input.launchType !== undefined && !["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"].includes(input.launchType)) {
    throw ecsErrors.invalidParameter(`Invalid launch type: ${input.launchType}`);
  }
  if (!td) return;
  if (input.launchType === "FARGATE" && !isAwsvpc(td)) {
    throw ecsErrors.invalidParameter("Task definition does not support launch_type FARGATE.");
  }
  if (needsNetwork && isAwsvpc(td)) {
    const subnets = input.networkConfiguration?.awsvpcConfiguration?.subnets;
    if (!Array.isArray(subnets) || subnets.length === 0) {
      throw ecsErrors.invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    }
  }
}

/** Target groups must exist, sit behind a load balancer, fit the network mode and name a real container. */
export function checkLoadBalancers(s: SimState, loadBalancers: unknown, td: TaskDefinition | undefined, max: number): Array<Record<string, any>> {
  if (loadBalancers === undefined || loadBalancers === null) return [];
  if (!Array.isArray(loadBalancers)) throw ecsErrors.invalidParameter("loadBalancers must be a list.");
  if (loadBalancers.length > max) {
    throw ecsErrors.invalidParameter(`loadBalancers can have at most ${max} item${max === 1 ? "" : "s"} here.`);
  }
  for (const lb of loadBalancers) {
    const arn = lb?.targetGroupArn;
    if (typeof arn !== "string") {
      if (lb?.loadBalancerName) continue; // Classic Load Balancer: accepted, not modeled
      throw ecsErrors.invalidParameter("targetGroupArn is required for Application and Network Load Balancers.");
    }
    const tg = s.targetGroups.get(arn);
    if (!tg) throw ecsErrors.invalidParameter(`The target group ${arn} does not exist.`);
    if (loadBalancerArnsOf(s, arn).length === 0) {
      throw ecsErrors.invalidParameter(`The target group with targetGroupArn ${arn} does not have an associated load balancer.`);
    }
    if (td) {
      if (typeof lb.containerName !== "string" || !containerNames(td).includes(lb.containerName)) {
        throw ecsErrors.invalidParameter(`The container ${lb.containerName} does not exist in the task definition.`);
      }
      if (typeof lb.containerPort !== "number") throw ecsErrors.invalidParameter("containerPort is required.");
      if (isAwsvpc(td) && tg.targetType !== "ip") {
        throw ecsErrors.invalidParameter(
          `The provided target group ${arn} has target type ${tg.targetType}, which is incompatible with the awsvpc network mode specified in the task definition.`,
        );
      }
    }
  }
  return loadBalancers;
}
