// The simulator's clock. Simulated time runs `timeScale` times faster than real time (60 = one
// simulated minute per real second) and can be pushed forward by hand (`advance`), which is what
// deterministic tests do with timeScale 0. All timestamps the simulator reports (ECS createdAt,
// Datadog pointlists, Prometheus samples) are simulated epoch milliseconds from `now()`.

export interface SimClock {
  /** Simulated epoch milliseconds. */
  now(): number;
  /** Move simulated time forward by `ms` (on top of the scaled real time). */
  advance(ms: number): void;
  readonly timeScale: number;
  setTimeScale(scale: number): void;
}

export interface ClockOptions {
  /** Simulated epoch ms at start; default: the real current time. */
  startTime?: number;
  /** Simulated ms per real ms; default 1. 0 freezes time (advance by hand). */
  timeScale?: number;
  /** Real time source, injectable for tests. */
  realNow?: () => number;
}

export function createClock(options: ClockOptions = {}): SimClock {
  const realNow = options.realNow ?? (() => performance.timeOrigin + performance.now());
  let scale = options.timeScale ?? 1;
  // sim = base + (real - realBase) * scale; changing the scale re-anchors so time never jumps.
  let base = options.startTime ?? Math.floor(realNow());
  let realBase = realNow();
  const clock: SimClock = {
    now: () => Math.floor(base + (realNow() - realBase) * scale),
    advance(ms: number) {
      if (!(ms >= 0)) throw new Error("advance() needs a non-negative number of milliseconds");
      base += ms;
    },
    get timeScale() {
      return scale;
    },
    setTimeScale(next: number) {
      if (!(next >= 0)) throw new Error("timeScale must be >= 0");
      const current = clock.now();
      base = current;
      realBase = realNow();
      scale = next;
    },
  };
  return clock;
}
