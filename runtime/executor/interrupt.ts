// Why a running node was stopped from outside: its own timeout, the deployment timeout, a cancel
// request (all three lead to the rollback path) or a shutdown (the node stays RUNNING in the
// store and resumes on the next start).
export type InterruptKind = "node-timeout" | "deployment-timeout" | "cancel" | "shutdown";

export class Interrupt extends Error {
  constructor(
    readonly kind: InterruptKind,
    message: string,
  ) {
    super(message);
    this.name = "Interrupt";
  }
}

export function interruptOf(e: unknown): Interrupt | null {
  return e instanceof Interrupt ? e : null;
}

/** A stage failure with a message a person can act on. */
export class StageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StageError";
  }
}
