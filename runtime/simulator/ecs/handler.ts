// ECS over JSON 1.1: `x-amz-target: AmazonEC2ContainerServiceV20141113.<Operation>`, JSON body in,
// JSON body out; errors as `{"__type": code, "message": ...}` with an `x-amzn-errortype` header.

import { SimError } from "../errors.ts";
import type { SimState } from "../state.ts";
import { createCluster, describeClusters } from "./clusters.ts";
import { createService, deleteService, describeServices, updateService } from "./services.ts";
import { listTagsForResource, tagResource, untagResource } from "./tags.ts";
import { deregisterTaskDefinition, describeTaskDefinition, listTaskDefinitions, registerTaskDefinition } from "./task-definitions.ts";
import {
  createTaskSet, deleteTaskSet, describeTaskSets, reconcile, updateServicePrimaryTaskSet, updateTaskSet,
} from "./task-sets.ts";
import { describeTasks, listTasks, runTask } from "./tasks.ts";
import type { Input } from "./util.ts";

export const ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";

type Operation = (s: SimState, input: Input) => unknown;

export const ecsOperations: Record<string, Operation> = {
  CreateCluster: createCluster,
  DescribeClusters: describeClusters,
  RegisterTaskDefinition: registerTaskDefinition,
  DescribeTaskDefinition: describeTaskDefinition,
  DeregisterTaskDefinition: deregisterTaskDefinition,
  ListTaskDefinitions: listTaskDefinitions,
  CreateService: createService,
  UpdateService: updateService,
  DescribeServices: describeServices,
  DeleteService: deleteService,
  CreateTaskSet: createTaskSet,
  UpdateTaskSet: updateTaskSet,
  DescribeTaskSets: describeTaskSets,
  UpdateServicePrimaryTaskSet: updateServicePrimaryTaskSet,
  DeleteTaskSet: deleteTaskSet,
  RunTask: runTask,
  DescribeTasks: describeTasks,
  ListTasks: listTasks,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};

/** Run one ECS operation against the state (pure with respect to HTTP). */
export function callEcs(s: SimState, operation: string, input: Input): unknown {
  const op = ecsOperations[operation];
  if (!op) throw new SimError("UnknownOperationException", `Unknown operation ${operation}`);
  reconcile(s);
  return op(s, input ?? {});
}

export function ecsResponse(body: unknown, requestId: string): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId },
  });
}

export function ecsErrorResponse(err: SimError, requestId: string): Response {
  return new Response(JSON.stringify({ __type: err.code, message: err.message }), {
    status: err.status,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId, "x-amzn-errortype": err.code },
  });
}

export async function handleEcs(s: SimState, req: Request, operation: string, requestId: string): Promise<Response> {
  let input: Input;
  try {
    const text = await req.text();
    input = text ? JSON.parse(text) : {};
  } catch {
    return ecsErrorResponse(new SimError("SerializationException", "Could not parse the request body as JSON."), requestId);
  }
  try {
    return ecsResponse(callEcs(s, operation, input), requestId);
  } catch (e) {
    if (e instanceof SimError) return ecsErrorResponse(e, requestId);
    return ecsErrorResponse(new SimError("ServerException", `Simulator bug: ${(e as Error)?.stack ?? e}`, 500), requestId);
  }
}
