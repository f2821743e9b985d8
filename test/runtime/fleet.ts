// A simulated fleet: N services, each with its own load balancer, primary/canary target groups
// and a PRIMARY task set on web:1 (the fault test and the benchmark deploy to all of them).
import type { Scenario } from "../../runtime/simulator/index.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";
import { compileFixture, targetGroupArns } from "./helpers.ts";
import type { Graph } from "../../runtime/executor/graph.ts";

export const serviceName = (i: number) => `svc-${String(i).padStart(3, "0")}`;

export function fleetScenario(n: number, settings: Scenario["settings"] = {}): Scenario {
  return {
    settings: { region: "us-east-1", accountId: "123456789012", seed: 7, taskStartDelaySeconds: 20, healthCheckDelaySeconds: 10, deregistrationDelaySeconds: 30, ...settings },
    clusters: ["demo"],
    taskDefinitions: [{ family: "web", image: "public.ecr.aws/nginx/nginx:1.25", containerName: "web", containerPort: 80 }],
    loadBalancers: Array.from({ length: n }, (_, i) => ({
      name: `lb-${i}`,
      targetGroups: [
        { name: `p-${i}`, port: 80, protocol: "HTTP", targetType: "ip" },
        { name: `c-${i}`, port: 80, protocol: "HTTP", targetType: "ip" },
      ],
      listeners: [{ port: 80, protocol: "HTTP", defaultForward: { [`p-${i}`]: 100, [`c-${i}`]: 0 } }],
    })),
    services: Array.from({ length: n }, (_, i) => ({
      cluster: "demo",
      serviceName: serviceName(i),
      desiredCount: 2,
      deploymentController: "EXTERNAL" as const,
      launchType: "FARGATE",
      subnets: ["subnet-0aaa1111", "subnet-0bbb2222"],
      securityGroups: ["sg-0ccc3333"],
      primaryTaskSet: { taskDefinition: "web:1", targetGroup: `p-${i}`, containerName: "web", containerPort: 80, scale: 100 },
    })),
  };
}

/** The canary fixture compiled once per fleet service (target group ARNs: the simulator's, or given). */
export function fleetGraphs(sim: Simulator | Map<string, string>, n: number, fixture = "canary"): Graph[] {
  const tgs = sim instanceof Map ? sim : targetGroupArns(sim);
  return Array.from({ length: n }, (_, i) =>
    compileFixture(fixture, {
      serviceName: serviceName(i),
      renameTargetGroups: { "demo-primary": `p-${i}`, "demo-canary": `c-${i}` },
      targetGroups: tgs,
      nameSuffix: `-${i}`,
    }),
  );
}
