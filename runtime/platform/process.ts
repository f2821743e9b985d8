// Process-level helpers the executor needs beyond platform/index.ts.
import { hostname } from "node:os";
import { runtimeName } from "./index.ts";

declare const Deno: any;

/** Dies at once, like `kill -9` (crash-injection tests). */
export function killSelf(): never {
  if (runtimeName === "deno") Deno.kill(Deno.pid, "SIGKILL");
  else (globalThis as any).process.kill((globalThis as any).process.pid, "SIGKILL");
  // SIGKILL is delivered asynchronously; never continue past this point.
  for (;;) {
    /* spin until the signal lands */
  }
}

export function onShutdownSignal(fn: () => void): void {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    if (runtimeName === "deno") Deno.addSignalListener(sig, fn);
    else (globalThis as any).process.on(sig, fn);
  }
}

/** This process as other processes can name it: pid and host name. */
export function processIdentity(): { pid: number; host: string } {
  const pid = runtimeName === "deno" ? Deno.pid : (globalThis as any).process.pid;
  return { pid, host: hostname() };
}
