// GET /metrics: Prometheus text format.
import { gauge } from "../metrics/registry.ts";
import type { Runtime } from "../executor/runtime.ts";

const STATES = ["QUEUED", "RUNNING", "ROLLING_BACK", "SUCCEEDED", "FAILED", "ROLLED_BACK", "CANCELLED"];

export async function renderMetrics(rt: Runtime): Promise<string> {
  const counts = await rt.store.countByState();
  const m = rt.metrics;
  return (
    [
      gauge("kanaria_deployments", "Deployments in the store, by state.", STATES.map((s) => [{ state: s }, counts[s] ?? 0])),
      gauge("kanaria_deployments_active", "Deployments being executed by this process.", [[{}, rt.scheduler.active()]]),
      m.deploymentsFinished.render(),
      m.stageDuration.render(),
      m.awsCalls.render(),
      m.awsThrottles.render(),
      m.awsErrors.render(),
      m.awsTimeouts.render(),
    ].join("\n") + "\n"
  );
}
