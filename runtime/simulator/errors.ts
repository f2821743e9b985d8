// Errors the simulator raises, with the code and HTTP status AWS uses, so the SDK's deserializers
// turn them into the same exception classes (`err.name`) they produce against AWS.
//
// - ECS (JSON 1.1): body `{"__type": "<Code>", "message": "..."}` plus an `x-amzn-errortype`
//   header; the SDK maps `__type` to the modeled exception (ClientException, ...). Codes ECS does
//   not model (ThrottlingException) become an ECSServiceException whose name is the code.
// - ELBv2 (query/XML): `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`; the SDK
//   maps the query code (`TargetGroupNotFound`) to the modeled exception
//   (`TargetGroupNotFoundException`) through its awsQueryError trait; unmodeled codes
//   (ValidationError, Throttling) keep the code as `err.name`.

export class SimError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

// ECS
export const ecsErrors = {
  invalidParameter: (m: string) => new SimError("InvalidParameterException", m),
  client: (m: string) => new SimError("ClientException", m),
  clusterNotFound: (m = "Cluster not found.") => new SimError("ClusterNotFoundException", m),
  serviceNotFound: (m = "Service not found.") => new SimError("ServiceNotFoundException", m),
  serviceNotActive: (m = "Service was not ACTIVE.") => new SimError("ServiceNotActiveException", m),
  taskSetNotFound: (m = "The specified task set does not exist.") => new SimError("TaskSetNotFoundException", m),
  resourceNotFound: (m = "The specified resource wasn't found.") => new SimError("ResourceNotFoundException", m),
  throttling: () => new SimError("ThrottlingException", "Rate exceeded", 400),
  server: () => new SimError("ServerException", "Service unavailable (injected fault).", 500),
};

// ELBv2
export const elbErrors = {
  validation: (m: string) => new SimError("ValidationError", m),
  targetGroupNotFound: (m = "One or more target groups not found") => new SimError("TargetGroupNotFound", m),
  listenerNotFound: (m = "One or more listeners not found") => new SimError("ListenerNotFound", m),
  ruleNotFound: (m = "One or more rules not found") => new SimError("RuleNotFound", m),
  loadBalancerNotFound: (m = "One or more load balancers not found") => new SimError("LoadBalancerNotFound", m),
  tooManyTargetGroups: (m: string) => new SimError("TooManyTargetGroups", m),
  targetGroupAssociationLimit: (m: string) => new SimError("TargetGroupAssociationLimit", m),
  priorityInUse: (m: string) => new SimError("PriorityInUse", m),
  duplicateLoadBalancerName: (m = "A load balancer with the same name already exists") =>
    new SimError("DuplicateLoadBalancerName", m),
  duplicateTargetGroupName: (m = "A target group with the same name already exists") =>
    new SimError("DuplicateTargetGroupName", m),
  duplicateListener: (m = "A listener already exists on this port for this load balancer") =>
    new SimError("DuplicateListener", m),
  invalidLoadBalancerAction: (m: string) => new SimError("InvalidLoadBalancerAction", m),
  operationNotPermitted: (m: string) => new SimError("OperationNotPermitted", m),
  invalidTarget: (m: string) => new SimError("InvalidTarget", m),
  invalidAction: (action: string) =>
    new SimError("InvalidAction", `Could not find operation ${action} for version 2015-12-01`),
  throttling: () => new SimError("Throttling", "Rate exceeded", 400),
  internal: () => new SimError("InternalFailure", "Internal failure (injected fault).", 500),
};
