// "Now" of a metric source. Windows are computed in the source's time, which is not always the
// executor's: the embedded simulator runs its own simulated epoch (GET /_sim/clock), so a window
// "the last minute before now" must be the simulator's last minute. Real Datadog/Prometheus use
// the wall clock.

export type MetricClock = (signal?: AbortSignal) => Promise<number>;

export const wallClock: MetricClock = async () => Date.now();

/** Reads the simulator's simulated epoch ms from `${baseUrl}/_sim/clock`. */
export function simulatorClock(baseUrl: string, fetchImpl: typeof fetch = fetch): MetricClock {
  const url = `${baseUrl.replace(/\/+$/, "")}/_sim/clock`;
  return async (signal) => {
    const res = await fetchImpl(url, { signal });
    if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
    const body = (await res.json()) as { now?: unknown };
    if (typeof body.now !== "number") throw new Error(`GET ${url} gave no "now"`);
    return body.now;
  };
}
