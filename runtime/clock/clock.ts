// Time for the executor. Durations in the graph (waits, timeouts) are "deployment time"; with a
// time scale (the simulator runs N× faster than real time) the modelled world's time is scaled,
// so an example with 5-minute waits runs in seconds. What waits on a socket or a process (AWS
// calls, provider queries, restarts) takes real time whatever the scale, so limits get a
// real-time floor (see `limitDelay`). Timestamps stored and shown are always real wall-clock
// epoch milliseconds.

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
  /** Real milliseconds after which a limit of `ms` deployment time expires (see limitDelay). */
  limitDelay(ms: number): number;
  /** Calls `fire` once a limit of `ms` deployment time has expired; returns a cancel function. */
  afterLimit(ms: number, fire: () => void): () => void;
}

/**
 * Under a time scale, no limit (stage or deployment timeout) expires before min(limit, 10 s)
 * of real time: the real time a stage spends on AWS calls and process starts is not modelled,
 * and a loaded machine must not turn it into a timeout. No effect at scale 1.
 */
export const LIMIT_REAL_FLOOR_MS = 10_000;

/** setTimeout keeps delays in a signed 32-bit int: longer ones would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timer of any length (chunked below the 32-bit limit); returns a cancel function. */
export function longTimer(ms: number, fire: () => void): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const due = Date.now() + Math.max(0, ms);
  const arm = () => {
    const left = due - Date.now();
    timer = setTimeout(left > MAX_TIMER_MS ? arm : fire, Math.min(Math.max(0, left), MAX_TIMER_MS));
  };
  arm();
  return () => clearTimeout(timer);
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      cancel();
      reject(signal!.reason);
    };
    const cancel = longTimer(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function systemClock(timeScale = 1, limitFloorMs = LIMIT_REAL_FLOOR_MS): Clock {
  if (!(timeScale > 0)) throw new Error("timeScale must be > 0");
  const limitDelay = (ms: number) => Math.max(ms / timeScale, Math.min(ms, limitFloorMs));
  return {
    timeScale,
    now: () => Date.now(),
    since: (t) => (Date.now() - t) * timeScale,
    sleep: (ms, signal) => realSleep(ms / timeScale, signal),
    sleepReal: realSleep,
    limitDelay,
    afterLimit: (ms, fire) => longTimer(limitDelay(ms), fire),
  };
}
