// Why a running node was stopped from outside: its own timeout, the deployment timeout, a cancel
// request (all three lead to the rollback path), a shutdown (the node stays RUNNING in the
// store and resumes on the next start) or the loss of the deployment's lease (likewise, and the
// replica that adopts it resumes it).
export type InterruptKind = "node-timeout" | "deployment-timeout" | "cancel" | "shutdown" | "lease-lost";

/** Kinds that stop the run where it is, writing nothing more: another start resumes it. */
export function stopsHere(kind: InterruptKind | null | undefined): boolean {
  return kind === "shutdown" || kind === "lease-lost";
}

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
