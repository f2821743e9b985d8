// How long a test waits on a process, a socket or an editor before it calls that a failure.
// Generous on purpose: it costs time only when something is broken, and a loaded machine is slow.
// KANARIA_TEST_PATIENCE_MS overrides it.
export const PATIENCE_MS = Number(process.env.KANARIA_TEST_PATIENCE_MS ?? 180_000);

/** Polls `probe` until it returns something truthy (a thrown error counts as "not yet"). */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = PATIENCE_MS,
  intervalMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve()
      .then(probe)
      .catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
