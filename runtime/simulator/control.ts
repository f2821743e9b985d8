// The control API under /_sim/: inspect and steer the simulator from tests, demos and scripts.
//   GET  /_sim/state                 dump of everything (services, task sets, weights, targets...)
//   GET  /_sim/requests[?caller=ID]  AWS requests received: {at, service, operation, caller}
//   GET  /_sim/clock                 {now, iso, timeScale}   (simulated epoch ms)
//   POST /_sim/clock                 {advanceMs?, timeScale?}
//   GET|POST|DELETE /_sim/faults     fault rules (POST {faults:[...], append?} or a bare array)
//   POST /_sim/behaviour             {key, errorRate?, latencyMs?, unhealthy?} or {behaviours: {key: {...}}}
//   POST /_sim/traffic               {loadBalancer: name|arn, requestsPerSecond}
//   POST /_sim/reset                 back to the start state (scenario re-applied)

import { serviceView } from "./ecs/services.ts";
import { reconcile, taskSetView } from "./ecs/task-sets.ts";
import { currentActions, listenerRules } from "./elbv2/listeners.ts";
import { loadBalancerArnsOf, targetStateAt } from "./elbv2/target-groups.ts";
import { validateFaultRule } from "./faults.ts";
import { clearTrafficCache } from "./metrics/traffic-model.ts";
import { setBehaviour, type SimState } from "./state.ts";

export interface SimContext {
  state: SimState;
  /** Rebuild the start state in place (same object). */
  reset(): Promise<void>;
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body, null, 2), { status, headers: { "content-type": "application/json" } });

async function body(req: Request): Promise<any> {
  const text = await req.text();
  return text ? JSON.parse(text) : {};
}

export function stateDump(s: SimState) {
  reconcile(s);
  const now = s.clock.now();
  return {
    now,
    timeScale: s.clock.timeScale,
    config: s.config,
    clusters: [...s.clusters.values()].map((c) => ({ arn: c.arn, name: c.name, status: c.status })),
    taskDefinitions: [...s.taskDefinitions.values()].map((t) => ({ arn: t.arn, status: t.status })),
    services: [...s.services.values()].map((svc) => serviceView(s, svc, true)),
    taskSets: [...s.taskSets.values()].map((t) => taskSetView(s, t, true)),
    tasks: [...s.tasks.values()].filter((t) => t.stoppedAt === undefined).map((t) => ({ arn: t.arn, taskSetId: t.taskSetId, ip: t.ip, startAt: t.startAt })),
    loadBalancers: [...s.loadBalancers.values()].map((lb) => ({ arn: lb.arn, name: lb.name, requestsPerSecond: lb.rps[lb.rps.length - 1]?.rps })),
    targetGroups: [...s.targetGroups.values()].map((tg) => {
      const inUse = loadBalancerArnsOf(s, tg.arn).length > 0;
      return {
        arn: tg.arn,
        name: tg.name,
        targets: tg.targets.map((r) => ({ id: r.id, port: r.port, state: targetStateAt(s, r, now, inUse)?.state ?? "gone" })).filter((x) => x.state !== "gone"),
      };
    }),
    listeners: [...s.listeners.values()].map((l) => ({
      arn: l.arn,
      port: l.port,
      rules: listenerRules(s, l.arn).map((r) => ({ arn: r.arn, priority: r.priority, actions: currentActions(r) })),
    })),
    behaviours: s.behaviours,
    faults: s.faults,
    calls: s.calls,
    lostAnswers: s.lostAnswers,
  };
}

export async function handleControl(ctx: SimContext, req: Request, url: URL): Promise<Response> {
  const s = ctx.state;
  const route = `${req.method} ${url.pathname.replace(/\/$/, "")}`;
  try {
    switch (route) {
      case "GET /_sim/state":
        return json(stateDump(s));
      case "GET /_sim/requests": {
        const caller = url.searchParams.get("caller");
        return json({ requests: caller === null ? s.requestLog : s.requestLog.filter((r) => r.caller === caller) });
      }
      case "GET /_sim/clock": {
        const now = s.clock.now();
        return json({ now, iso: new Date(now).toISOString(), timeScale: s.clock.timeScale });
      }
      case "POST /_sim/clock": {
        const b = await body(req);
        if (b.timeScale !== undefined) s.clock.setTimeScale(Number(b.timeScale));
        if (b.advanceMs !== undefined) s.clock.advance(Number(b.advanceMs));
        reconcile(s);
        const now = s.clock.now();
        return json({ now, iso: new Date(now).toISOString(), timeScale: s.clock.timeScale });
      }
      case "GET /_sim/faults":
        return json({ faults: s.faults });
      case "DELETE /_sim/faults":
        s.faults = [];
        return json({ faults: [] });
      case "POST /_sim/faults": {
        const b = await body(req);
        const rules = (Array.isArray(b) ? b : (b.faults ?? [])).map(validateFaultRule);
        s.faults = !Array.isArray(b) && b.append ? [...s.faults, ...rules] : rules;
        return json({ faults: s.faults });
      }
      case "POST /_sim/behaviour": {
        const b = await body(req);
        const entries: Array<[string, any]> = b.behaviours ? Object.entries(b.behaviours) : [[b.key, b]];
        for (const [key, value] of entries) {
          if (typeof key !== "string" || !key) return json({ error: "key is required (family:revision, image or family)" }, 400);
          const { key: _k, ...behaviour } = value;
          setBehaviour(s, key, behaviour);
        }
        clearTrafficCache(s);
        reconcile(s);
        return json({ behaviours: s.behaviours });
      }
      case "POST /_sim/traffic": {
        const b = await body(req);
        const lb = [...s.loadBalancers.values()].find((x) => x.arn === b.loadBalancer || x.name === b.loadBalancer);
        if (!lb) return json({ error: `no load balancer ${b.loadBalancer}` }, 404);
        const rps = Number(b.requestsPerSecond);
        if (!(rps >= 0)) return json({ error: "requestsPerSecond must be >= 0" }, 400);
        lb.rps.push({ at: s.clock.now(), rps });
        return json({ loadBalancer: lb.arn, requestsPerSecond: rps });
      }
      case "POST /_sim/reset":
        await ctx.reset();
        return json({ ok: true, now: ctx.state.clock.now() });
      default:
        return json({ error: `unknown control endpoint ${route}` }, 404);
    }
  } catch (e) {
    return json({ error: (e as Error).message }, 400);
  }
}
