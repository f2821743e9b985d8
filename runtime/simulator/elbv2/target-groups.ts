// ELBv2 target groups and their targets: CreateTargetGroup, DescribeTargetGroups,
// RegisterTargets, DeregisterTargets, DescribeTargetHealth, plus the registration history the
// traffic model reads (targets are never forgotten, only deregistered at a time).

import { elbErrors } from "../errors.ts";
import { behaviourAt, elbArn, newHex, type SimState, type TargetGroup, type TargetRecord } from "../state.ts";
import { forwardTargets } from "./actions.ts";
import { list, type QueryObject } from "./query.ts";

export type TargetState = "initial" | "healthy" | "unhealthy" | "unused" | "draining";

/** Load balancers whose listener rules currently forward to the target group. */
export function loadBalancerArnsOf(s: SimState, tgArn: string): string[] {
  const out = new Set<string>();
  for (const rule of s.rules.values()) {
    const current = rule.actions[rule.actions.length - 1]?.actions ?? [];
    if (current.some((a) => forwardTargets(a).some((t) => t.targetGroupArn === tgArn))) {
      const listener = s.listeners.get(rule.listenerArn);
      if (listener) out.add(listener.loadBalancerArn);
    }
  }
  return [...out];
}

export function registerTarget(s: SimState, tg: TargetGroup, rec: TargetRecord): void {
  void s;
  tg.targets.push(rec);
}

export function deregisterTarget(s: SimState, tg: TargetGroup, id: string, port: number, at: number): boolean {
  void s;
  let found = false;
  for (const rec of tg.targets) {
    if (rec.id === id && rec.port === port && (rec.deregisteredAt === undefined || rec.deregisteredAt > at)) {
      // a target registered for the future (task still starting) then simply never appears
      rec.deregisteredAt = at;
      found = true;
    }
  }
  return found;
}

/** Health of one registration at simulated time `t`; null when it is not registered then. */
export function targetStateAt(
  s: SimState,
  rec: TargetRecord,
  t: number,
  inUse = true,
): { state: TargetState; reason?: string; description?: string } | null {
  if (rec.registeredAt > t) return null;
  if (rec.deregisteredAt !== undefined && rec.deregisteredAt <= t) {
    if (rec.deregisteredAt <= rec.registeredAt) return null;
    if (t < rec.deregisteredAt + s.config.deregistrationDelayMs) {
      return { state: "draining", reason: "Target.DeregistrationInProgress", description: "Target deregistration is in progress" };
    }
    return null;
  }
  if (!inUse) return { state: "unused", reason: "Target.NotInUse", description: "Target group is not configured to receive traffic from the load balancer" };
  if (t < rec.registeredAt + s.config.healthCheckDelayMs) {
    return { state: "initial", reason: "Elb.RegistrationInProgress", description: "Target registration is in progress" };
  }
  if (behaviourAt(s, rec.behaviourKeys, t).unhealthy) {
    return { state: "unhealthy", reason: "Target.ResponseCodeMismatch", description: "Health checks failed with these codes: [503]" };
  }
  return { state: "healthy" };
}

const NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

export function resolveTargetGroup(s: SimState, arn: unknown): TargetGroup {
  const tg = typeof arn === "string" ? s.targetGroups.get(arn) : undefined;
  if (!tg) throw elbErrors.targetGroupNotFound(`Target groups '${String(arn)}' not found`);
  return tg;
}

/**
 * `fixedId`: scenarios recreate a target group whose ARN an app already names — also one with a
 * placeholder id (`YYYY` in PipeCD's examples), so the ARN can be matched exactly.
 */
export function createTargetGroup(s: SimState, p: QueryObject, fixedId?: string) {
  const name = p.Name;
  if (typeof name !== "string" || !NAME_RE.test(name)) {
    throw elbErrors.validation("Target group name must be 1-32 alphanumeric characters or hyphens, and must not begin or end with a hyphen");
  }
  const targetType = (p.TargetType as string) ?? "instance";
  if (!["instance", "ip", "lambda", "alb"].includes(targetType)) throw elbErrors.validation(`Invalid target type '${targetType}'`);
  if (targetType !== "lambda" && (p.Protocol === undefined || p.Port === undefined || p.VpcId === undefined)) {
    throw elbErrors.validation("A protocol, port and VPC ID must be specified for target groups of type '" + targetType + "'");
  }
  const port = p.Port !== undefined ? Number(p.Port) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) throw elbErrors.validation("Port must be between 1 and 65535");
  for (const tg of s.targetGroups.values()) {
    if (tg.name === name) {
      if (tg.port === port && tg.protocol === p.Protocol && tg.targetType === targetType) return { TargetGroups: [targetGroupView(s, tg)] };
      throw elbErrors.duplicateTargetGroupName();
    }
  }
  if (fixedId !== undefined && !/^[0-9A-Za-z]{1,32}$/.test(fixedId)) throw elbErrors.validation(`Target group id '${fixedId}' must be 1-32 letters or digits`);
  const id = fixedId ?? newHex(s, 16);
  const { Name: _n, Protocol: _p, Port: _po, VpcId: _v, TargetType: _t, Tags, ...props } = p;
  const tg: TargetGroup = {
    arn: elbArn(s, `targetgroup/${name}/${id}`),
    name,
    id,
    protocol: p.Protocol as string | undefined,
    port,
    vpcId: p.VpcId as string | undefined,
    targetType,
    props,
    createdAt: s.clock.now(),
    tags: list(Tags).map((t: any) => ({ key: t.Key, value: t.Value })),
    targets: [],
  };
  s.targetGroups.set(tg.arn, tg);
  return { TargetGroups: [targetGroupView(s, tg)] };
}

export function targetGroupView(s: SimState, tg: TargetGroup) {
  const p = tg.props;
  const http = tg.protocol === "HTTP" || tg.protocol === "HTTPS";
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: p.HealthCheckProtocol ?? tg.protocol,
    HealthCheckPort: p.HealthCheckPort ?? "traffic-port",
    HealthCheckEnabled: p.HealthCheckEnabled ?? true,
    HealthCheckIntervalSeconds: Number(p.HealthCheckIntervalSeconds ?? 30),
    HealthCheckTimeoutSeconds: Number(p.HealthCheckTimeoutSeconds ?? 5),
    HealthyThresholdCount: Number(p.HealthyThresholdCount ?? 5),
    UnhealthyThresholdCount: Number(p.UnhealthyThresholdCount ?? 2),
    HealthCheckPath: http ? (p.HealthCheckPath ?? "/") : undefined,
    Matcher: http ? (p.Matcher ?? { HttpCode: "200" }) : undefined,
    LoadBalancerArns: loadBalancerArnsOf(s, tg.arn),
    TargetType: tg.targetType,
    ProtocolVersion: http ? (p.ProtocolVersion ?? "HTTP1") : undefined,
    IpAddressType: p.IpAddressType ?? "ipv4",
  };
}

export function describeTargetGroups(s: SimState, p: QueryObject) {
  const arns = list(p.TargetGroupArns);
  const names = list(p.Names);
  let groups: TargetGroup[];
  if (arns.length > 0) groups = arns.map((a) => resolveTargetGroup(s, a));
  else if (names.length > 0) {
    groups = names.map((n) => {
      const tg = [...s.targetGroups.values()].find((x) => x.name === n);
      if (!tg) throw elbErrors.targetGroupNotFound(`One or more target groups not found`);
      return tg;
    });
  } else if (typeof p.LoadBalancerArn === "string") {
    if (!s.loadBalancers.has(p.LoadBalancerArn)) throw elbErrors.loadBalancerNotFound(`Load balancer '${p.LoadBalancerArn}' not found`);
    const lb = p.LoadBalancerArn;
    groups = [...s.targetGroups.values()].filter((tg) => loadBalancerArnsOf(s, tg.arn).includes(lb));
  } else groups = [...s.targetGroups.values()];
  return { TargetGroups: groups.map((tg) => targetGroupView(s, tg)) };
}

function targetsParam(p: QueryObject): Array<{ Id: string; Port?: number; AvailabilityZone?: string }> {
  const targets = list(p.Targets);
  if (targets.length === 0) throw elbErrors.validation("At least one target must be specified");
  return targets.map((t: any) => {
    if (typeof t?.Id !== "string" || t.Id === "") throw elbErrors.validation("A target ID must be specified");
    return { Id: t.Id, Port: t.Port !== undefined ? Number(t.Port) : undefined, AvailabilityZone: t.AvailabilityZone };
  });
}

export function registerTargets(s: SimState, p: QueryObject) {
  const tg = resolveTargetGroup(s, p.TargetGroupArn);
  const now = s.clock.now();
  for (const t of targetsParam(p)) {
    const port = t.Port ?? tg.port;
    if (port === undefined) throw elbErrors.validation("A port must be specified");
    if (tg.targetType === "ip" && !/^\d{1,3}(\.\d{1,3}){3}$/.test(t.Id)) throw elbErrors.invalidTarget(`The IP address '${t.Id}' is not a valid IPv4 address`);
    const live = tg.targets.some((r) => r.id === t.Id && r.port === port && r.registeredAt <= now && (r.deregisteredAt === undefined || r.deregisteredAt > now));
    if (!live) {
      registerTarget(s, tg, {
        id: t.Id,
        port,
        availabilityZone: t.AvailabilityZone ?? `${s.config.region}a`,
        registeredAt: now,
        behaviourKeys: [`target:${t.Id}`],
      });
    }
  }
  return {};
}

export function deregisterTargets(s: SimState, p: QueryObject) {
  const tg = resolveTargetGroup(s, p.TargetGroupArn);
  const now = s.clock.now();
  for (const t of targetsParam(p)) {
    const port = t.Port ?? tg.port ?? 0;
    if (!deregisterTarget(s, tg, t.Id, port, now)) {
      throw elbErrors.invalidTarget(`The following targets are not registered in target group '${tg.arn}': '${t.Id}'`);
    }
  }
  return {};
}

export function describeTargetHealth(s: SimState, p: QueryObject) {
  const tg = resolveTargetGroup(s, p.TargetGroupArn);
  const now = s.clock.now();
  const inUse = loadBalancerArnsOf(s, tg.arn).length > 0;
  const wanted = list(p.Targets).map((t: any) => ({ id: t.Id as string, port: t.Port !== undefined ? Number(t.Port) : undefined }));
  const out = [];
  const seen = new Set<string>();
  for (let i = tg.targets.length - 1; i >= 0; i--) {
    const rec = tg.targets[i];
    const key = `${rec.id}:${rec.port}`;
    if (seen.has(key)) continue;
    const health = targetStateAt(s, rec, now, inUse);
    if (!health) continue;
    if (wanted.length > 0 && !wanted.some((w) => w.id === rec.id && (w.port === undefined || w.port === rec.port))) continue;
    seen.add(key);
    out.push({
      Target: { Id: rec.id, Port: rec.port, AvailabilityZone: tg.targetType === "ip" ? rec.availabilityZone : undefined },
      HealthCheckPort: String(rec.port),
      TargetHealth: { State: health.state, Reason: health.reason, Description: health.description },
    });
  }
  for (const w of wanted) {
    if (!out.some((o) => o.Target.Id === w.id && (w.port === undefined || o.Target.Port === w.port))) {
      out.push({
        Target: { Id: w.id, Port: w.port ?? tg.port ?? 0, AvailabilityZone: undefined },
        HealthCheckPort: String(w.port ?? tg.port ?? ""),
        TargetHealth: { State: "unused", Reason: "Target.NotRegistered", Description: "Target is not registered to the target group" },
      });
    }
  }
  out.reverse();
  return { TargetHealthDescriptions: out };
}
