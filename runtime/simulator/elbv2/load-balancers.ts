// ELBv2 load balancers: CreateLoadBalancer, DescribeLoadBalancers.

import { elbErrors } from "../errors.ts";
import { elbArn, type LoadBalancer, newHex, type SimState } from "../state.ts";
import { list, type QueryObject } from "./query.ts";
import { isoTime } from "./xml.ts";

const NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

export function resolveLoadBalancer(s: SimState, arn: unknown): LoadBalancer {
  const lb = typeof arn === "string" ? s.loadBalancers.get(arn) : undefined;
  if (!lb) throw elbErrors.loadBalancerNotFound(`Load balancer '${String(arn)}' not found`);
  return lb;
}

/** `app/<name>/<id>`: the dimension CloudWatch and Datadog tag ALB metrics with. */
export const loadBalancerDimension = (lb: LoadBalancer) => `${lb.type === "network" ? "net" : "app"}/${lb.name}/${lb.id}`;

export function createLoadBalancer(s: SimState, p: QueryObject) {
  const name = p.Name;
  if (typeof name !== "string" || !NAME_RE.test(name) || name.startsWith("internal-")) {
    throw elbErrors.validation("Load balancer name must be 1-32 alphanumeric characters or hyphens, must not begin or end with a hyphen, and must not begin with 'internal-'");
  }
  const type = ((p.Type as string) ?? "application") as LoadBalancer["type"];
  if (type !== "application" && type !== "network") throw elbErrors.validation(`Load balancer type '${type}' is not supported by the simulator`);
  const subnets = [...list(p.Subnets), ...list(p.SubnetMappings).map((m: any) => m.SubnetId)];
  if (type === "application" && subnets.length < 2) {
    throw elbErrors.validation("At least two subnets in two different Availability Zones must be specified");
  }
  const existing = [...s.loadBalancers.values()].find((lb) => lb.name === name);
  if (existing) {
    if (existing.type === type) return { LoadBalancers: [loadBalancerView(s, existing)] };
    throw elbErrors.duplicateLoadBalancerName();
  }
  const id = newHex(s, 16);
  const scheme = (p.Scheme as string) ?? "internet-facing";
  const lb: LoadBalancer = {
    arn: elbArn(s, `loadbalancer/${type === "network" ? "net" : "app"}/${name}/${id}`),
    name,
    id,
    type,
    scheme,
    dnsName: `${scheme === "internal" ? "internal-" : ""}${name}-${parseInt(id.slice(0, 8), 16)}.${s.config.region}.elb.amazonaws.com`,
    vpcId: `vpc-${newHex(s, 17)}`,
    subnets,
    securityGroups: list(p.SecurityGroups),
    createdAt: s.clock.now(),
    tags: list(p.Tags).map((t: any) => ({ key: t.Key, value: t.Value })),
    rps: [{ at: s.clock.now(), rps: s.config.requestsPerSecond }],
  };
  s.loadBalancers.set(lb.arn, lb);
  return { LoadBalancers: [loadBalancerView(s, lb)] };
}

export function loadBalancerView(s: SimState, lb: LoadBalancer) {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: "Z35SXDOTRQ7X7K",
    CreatedTime: isoTime(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: "active" },
    Type: lb.type,
    AvailabilityZones: lb.subnets.map((subnet, i) => ({ ZoneName: `${s.config.region}${"abc"[i % 3]}`, SubnetId: subnet })),
    SecurityGroups: lb.type === "application" ? lb.securityGroups : undefined,
    IpAddressType: "ipv4",
  };
}

export function describeLoadBalancers(s: SimState, p: QueryObject) {
  const arns = list(p.LoadBalancerArns);
  const names = list(p.Names);
  let lbs: LoadBalancer[];
  if (arns.length > 0) lbs = arns.map((a) => resolveLoadBalancer(s, a));
  else if (names.length > 0) {
    lbs = names.map((n) => {
      const lb = [...s.loadBalancers.values()].find((x) => x.name === n);
      if (!lb) throw elbErrors.loadBalancerNotFound(`Load balancers '[${n}]' not found`);
      return lb;
    });
  } else lbs = [...s.loadBalancers.values()];
  return { LoadBalancers: lbs.map((lb) => loadBalancerView(s, lb)) };
}
