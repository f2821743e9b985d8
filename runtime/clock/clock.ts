// Time for the executor. Durations in the graph (waits, timeouts) are "deployment time"; with a
// time scale (the simulator runs N× faster than real time) every sleep and every elapsed-time
// check is scaled, so an example with 5-minute waits runs in seconds. Timestamps stored and shown
// are always real wall-clock epoch milliseconds.

export interface Clock {
  /** Deployment-time ms per real ms (1 in production). */
  readonly timeScale: number;
  /** Real epoch milliseconds. */
  now(): number;
  /** Deployment-time milliseconds elapsed since a real epoch timestamp. */
  since(realEpochMs: number): number;
  /** Sleep for `ms` of deployment time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Sleep for `ms` of real time (polling cadence, retry backoff: not scaled). */
  sleepReal(ms: number, signal?: AbortSignal): Promise<void>;
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function systemClock(timeScale = 1): Clock {
  if (!(timeScale > 0)) throw new Error("timeScale must be > 0");
  return {
    timeScale,
    now: () => Date.now(),
    since: (t) => (Date.now() - t) * timeScale,
    sleep: (ms, signal) => realSleep(ms / timeScale, signal),
    sleepReal: realSleep,
  };
}
