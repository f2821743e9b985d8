// The drift differ and its normalisation, on plain values: what ECS fills in by itself is not
// drift (PipeCD's semantics), what a user or another tool changed is, named by a stable path.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { diffValues } from "../../runtime/gitops/drift/differ.ts";
import { desiredState } from "../../runtime/gitops/drift/desired-state.ts";
import { compareStates } from "../../runtime/gitops/drift/detect.ts";
import { liveServiceSettingsOf, placementOf, taskDefinitionOf } from "../../runtime/gitops/drift/comparable.ts";
import type { Graph } from "../../runtime/executor/graph.ts";
import { smallGraph } from "../helpers/small-graph.ts";

describe("differ", () => {
  test("fields only ECS has are ignored; absent, null, empty and zero are equal; numbers equal numeric strings", () => {
    assert.deepEqual(diffValues({ cpu: "256", a: null, b: [], c: {}, d: "" }, { cpu: 256, revision: 7, registeredAt: "2026-01-01", a: 0, c: null }), []);
    assert.deepEqual(diffValues({ cpu: "256" }, { cpu: 512 }), [{ path: "cpu", git: "256", live: 512 }]);
  });

  test("lists are compared item by item; a longer list reports its extra items", () => {
    assert.deepEqual(diffValues({ l: ["a", "b"] }, { l: ["a", "c", "d"] }), [
      { path: "l[1]", git: "b", live: "c" },
      { path: "l[2]", git: null, live: "d" },
    ]);
  });
});

function graphOf(service: Record<string, unknown>, taskDefinition: Record<string, unknown>): Graph {
  const g = smallGraph();
  return {
    ...g,
    target: {
      ...g.target,
      service: { serviceName: "web", cluster: "demo", deploymentController: { type: "EXTERNAL" }, ...service },
      taskDefinition,
      targetGroups: { primary: { targetGroupArn: "arn:tg/primary", containerName: "web", containerPort: 80 }, canary: null },
    },
  };
}

const TASKDEF = {
  family: "web",
  cpu: "256",
  memory: "512",
  networkMode: "awsvpc",
  containerDefinitions: [
    {
      name: "web",
      image: "nginx:1.27",
      environment: [
        { name: "B", value: "2" },
        { name: "A", value: "1" },
      ],
      portMappings: [{ containerPort: 80 }, { containerPort: 9090, protocol: "udp" }],
      secrets: [{ name: "DB", valueFrom: "arn:aws:ssm:db" }],
    },
  ],
};

/** What ECS answers for TASKDEF: defaults filled in, lists reordered, hostPort set. */
const LIVE_TASKDEF = {
  taskDefinitionArn: "arn:aws:ecs:us-east-1:1:task-definition/web:12",
  revision: 12,
  status: "ACTIVE",
  registeredAt: "2026-12-01T00:00:00Z",
  compatibilities: ["EC2", "FARGATE"],
  family: "web",
  cpu: "256",
  memory: "512",
  networkMode: "awsvpc",
  volumes: [],
  containerDefinitions: [
    {
      name: "web",
      image: "nginx:1.27",
      cpu: 0,
      essential: true,
      mountPoints: [],
      environment: [
        { name: "A", value: "1" },
        { name: "B", value: "2" },
      ],
      portMappings: [
        { containerPort: 9090, hostPort: 9090, protocol: "udp" },
        { containerPort: 80, hostPort: 80, protocol: "tcp" },
      ],
      secrets: [{ name: "DB", valueFrom: "arn:aws:ssm:db" }],
    },
  ],
};

const LIVE_SERVICE = {
  serviceName: "web",
  status: "ACTIVE",
  desiredCount: 3,
  runningCount: 3,
  deploymentController: { type: "EXTERNAL" },
  enableExecuteCommand: false,
  enableECSManagedTags: false,
  propagateTags: "NONE",
  tags: [
    { key: "kanaria:managed-by", value: "kanaria" },
    { key: "team", value: "a" },
  ],
};

const LIVE_PRIMARY = {
  status: "PRIMARY",
  launchType: "FARGATE",
  platformVersion: "1.4.0",
  scale: { value: 100, unit: "PERCENT" },
  capacityProviderStrategy: [],
  networkConfiguration: { awsvpcConfiguration: { subnets: ["s-2", "s-1"], securityGroups: ["sg"], assignPublicIp: "DISABLED" } },
  loadBalancers: [{ targetGroupArn: "arn:tg/primary", containerName: "web", containerPort: 80 }],
};

const live = (o: { service?: object; primary?: object; td?: object } = {}) => ({
  service: liveServiceSettingsOf({ ...LIVE_SERVICE, ...o.service }),
  primaryTaskSet: placementOf({ ...LIVE_PRIMARY, ...o.primary }, false),
  taskDefinition: taskDefinitionOf({ ...LIVE_TASKDEF, ...o.td }, false),
});

const SERVICE = {
  desiredCount: 3,
  tags: [{ key: "team", value: "a" }],
  networkConfiguration: { awsvpcConfiguration: { subnets: ["s-1", "s-2"], securityGroups: ["sg"] } },
};

describe("desired vs live state", () => {
  test("ECS's answer for what Git registered is no drift (defaults, order, hostPort, Kanaria's tags, platform version)", () => {
    assert.deepEqual(compareStates(desiredState(graphOf(SERVICE, TASKDEF)), live()), []);
  });

  test("what changed is named by container, variable, port and tag", () => {
    const td = structuredClone(LIVE_TASKDEF);
    td.containerDefinitions[0].image = "nginx:1.28";
    td.containerDefinitions[0].environment[0].value = "9";
    td.containerDefinitions[0].portMappings.pop();
    td.cpu = "512";
    td.status = "INACTIVE";
    const diff = compareStates(
      desiredState(graphOf(SERVICE, TASKDEF)),
      live({ td, service: { desiredCount: 5, enableExecuteCommand: true, tags: [{ key: "team", value: "b" }] }, primary: { launchType: "EC2" } }),
    );
    assert.deepEqual(diff, [
      { path: "service.desiredCount", git: 3, live: 5 },
      { path: "service.enableExecuteCommand", git: false, live: true },
      { path: "service.tags[team]", git: "a", live: "b" },
      { path: "primaryTaskSet.launchType", git: "FARGATE", live: "EC2" },
      { path: "taskDefinition.cpu", git: "256", live: "512" },
      { path: "taskDefinition.status", git: "ACTIVE", live: "INACTIVE" },
      { path: "taskDefinition.containerDefinitions[web].image", git: "nginx:1.27", live: "nginx:1.28" },
      { path: "taskDefinition.containerDefinitions[web].environment[A]", git: "1", live: "9" },
      { path: "taskDefinition.containerDefinitions[web].portMappings[80/tcp]", git: {}, live: null },
    ]);
  });

  test("a servicedef without desiredCount leaves the count to auto scaling", () => {
    const { desiredCount, ...noCount } = SERVICE;
    assert.deepEqual(compareStates(desiredState(graphOf(noCount, TASKDEF)), live({ service: { desiredCount: 12 } })), []);
  });

  test("encrypted secrets: not compared without the key; compared with it, and their values never shown", () => {
    const td = structuredClone(TASKDEF) as any;
    td.containerDefinitions[0].environment.push({ name: "TOKEN", value: "{{ .encryptedSecrets.token }}" });
    const liveTd = structuredClone(LIVE_TASKDEF) as any;
    liveTd.containerDefinitions[0].environment.push({ name: "TOKEN", value: "hunter2" });
    const graph = graphOf(SERVICE, td);
    assert.deepEqual(compareStates(desiredState(graph), live({ td: liveTd })), []);
    assert.deepEqual(compareStates(desiredState(graph, new Map([["token", "hunter2"]])), live({ td: liveTd })), []);
    assert.deepEqual(compareStates(desiredState(graph, new Map([["token", "s3cret"]])), live({ td: liveTd })), [
      { path: "taskDefinition.containerDefinitions[web].environment[TOKEN]", git: "(secret)", live: "(secret)" },
    ]);
  });
});
