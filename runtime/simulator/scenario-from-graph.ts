// A simulated world for any compiled app, so `kanaria deploy APP --simulate` works without a
// hand-written scenario.yaml: the app's cluster and service (from its servicedef), the
// listener forwarding primary 100 / canary 0 to the target groups the app names (same ARNs),
// and the service already running the *previous* version, so the deployment has a primary to
// canary against. The new image behaves as `newVersion` says (healthy by default).
import type { Graph } from "../executor/graph.ts";
import type { Behaviour } from "./state.ts";
import type { Scenario } from "./scenario.ts";

export interface DerivedScenarioOptions {
  /** How the image being deployed behaves (e.g. `{errorRate: 0.3}` to watch a rollback). */
  newVersion?: Behaviour;
  timeScale?: number;
}

/**
 * `arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID` → its parts. Placeholder
 * parts (an `XXXX` account, a `YYYY` id, as in PipeCD's examples) are kept: the world gets
 * target groups with exactly the ARNs the app names.
 */
function targetGroupParts(arn: string): { region: string; account: string; name: string; id: string } | null {
  const m = /^arn:[^:]+:elasticloadbalancing:([^:]+):([^:]+):targetgroup\/([^/]+)\/([0-9A-Za-z]{1,32})$/.exec(arn);
  return m ? { region: m[1], account: m[2], name: m[3], id: m[4] } : null;
}

const tail = (arnOrName: string) => arnOrName.split("/").pop() ?? arnOrName;

export function scenarioFromGraph(graph: Graph, o: DerivedScenarioOptions = {}): Scenario {
  const t = graph.target as Record<string, any>;
  const svc: Record<string, any> = t.service ?? {};
  const td: Record<string, any> = t.taskDefinition ?? {};
  const family: string = td.family ?? graph.app.name;
  const container = (td.containerDefinitions ?? [])[0] ?? {};
  const newImage: string = t.image ?? container.image ?? "app:new";
  // The running version: the same repository at another tag.
  const currentImage = newImage.includes(":") ? `${newImage.slice(0, newImage.lastIndexOf(":"))}:previous` : `${newImage}:previous`;
  const clusterArn: string = t.cluster ?? svc.cluster ?? "default";
  const arnRegion = /^arn:[^:]+:ecs:([^:]+):([^:]+):/.exec(clusterArn);
  const tgs = Object.entries((t.targetGroups ?? {}) as Record<string, { targetGroupArn: string; containerName?: string; containerPort?: number } | null>)
    .flatMap(([variant, tg]) => (tg?.targetGroupArn ? [{ variant, tg, parts: targetGroupParts(tg.targetGroupArn) }] : []))
    .filter((x) => x.parts);
  // Target group ARNs must match exactly; a cluster ARN is found by its name alone. So the
  // target groups' region and account win when the two disagree.
  const region = tgs[0]?.parts?.region ?? arnRegion?.[1] ?? "us-east-1";
  const accountId = tgs[0]?.parts?.account ?? arnRegion?.[2] ?? "123456789012";
  const primaryTg = tgs.find((x) => x.variant === "primary");
  const vpc = svc.networkConfiguration?.awsvpcConfiguration ?? {};
  const { containerDefinitions: _c, family: _f, ...tdRest } = td;
  const launchType: string | undefined = svc.launchType ?? (svc.capacityProviderStrategy ? undefined : "FARGATE");
  // A standalone task (no service) runs with input.launchType: an EC2 task gets an EC2 world.
  const standalone = graph.strategy === "standalone" || !t.service;
  const tdLaunchType = standalone ? t.launchType : launchType;
  return {
    settings: { region, accountId, seed: 1, timeScale: o.timeScale ?? 60, taskStartDelaySeconds: 20, healthCheckDelaySeconds: 10, deregistrationDelaySeconds: 30, requestsPerSecond: 50 },
    clusters: [tail(clusterArn)],
    taskDefinitions: [
      {
        ...tdRest,
        family,
        ...(td.cpu !== undefined ? { cpu: String(td.cpu) } : {}),
        ...(td.memory !== undefined ? { memory: String(td.memory) } : {}),
        ...(tdLaunchType === "EC2" ? { launchType: "EC2" } : {}),
        containerDefinitions: [{ ...container, image: currentImage }],
        behaviour: { errorRate: 0.001, latencyMs: 40 },
      },
    ],
    loadBalancers: tgs.length
      ? [
          {
            name: `${graph.app.name}-alb`.slice(0, 32).replace(/[^A-Za-z0-9-]/g, "-"),
            targetGroups: tgs.map((x) => ({ name: x.parts!.name, id: x.parts!.id, port: x.tg.containerPort ?? 80, protocol: "HTTP", targetType: "ip" })),
            listeners: [{ port: 80, protocol: "HTTP", defaultForward: Object.fromEntries(tgs.map((x) => [x.parts!.name, x.variant === "primary" ? 100 : 0])) }],
          },
        ]
      : [],
    services: standalone ? [] : [
      {
        cluster: tail(clusterArn),
        serviceName: svc.serviceName ?? graph.app.name,
        desiredCount: svc.desiredCount ?? 2,
        deploymentController: "EXTERNAL",
        ...(launchType ? { launchType } : {}),
        ...(vpc.subnets ? { subnets: vpc.subnets, securityGroups: vpc.securityGroups ?? [], assignPublicIp: vpc.assignPublicIp ?? "DISABLED" } : {}),
        ...(svc.serviceRegistries ? { serviceRegistries: svc.serviceRegistries } : {}),
        primaryTaskSet: {
          taskDefinition: `${family}:1`,
          ...(primaryTg ? { targetGroup: primaryTg.parts!.name, containerName: primaryTg.tg.containerName, containerPort: primaryTg.tg.containerPort } : {}),
          scale: 100,
        },
      },
    ],
    behaviours: { [newImage]: o.newVersion ?? { errorRate: 0, latencyMs: 35 } },
  };
}
