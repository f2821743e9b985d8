// Work that several test processes need and that comes out the same each time (packing the npm
// tarball) is done once per `npm test`: test/run.ts gives all its processes one folder,
// KANARIA_TEST_RUN_DIR, and removes it when the run ends. The first process to ask does the work
// in a subfolder; the others wait for its result (or its error). A file run on its own (no
// variable) does the work itself, in a temporary folder the caller removes (`owned`).
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env } from "../../runtime/platform/index.ts";
import { PATIENCE_MS } from "./until.ts";

export interface Once<T> {
  value: T;
  /** Where the work was done (its files stay there until the run ends). */
  dir: string;
  /** This process did the work (and its assertions ran here). */
  made: boolean;
  /** No shared run folder: the caller removes `dir` when done. */
  owned: boolean;
}

/** `make(dir)` once per test run under `key`; `value` must survive JSON. */
export async function oncePerRun<T>(key: string, make: (dir: string) => T | Promise<T>): Promise<Once<T>> {
  const runDir = env("KANARIA_TEST_RUN_DIR");
  if (!runDir) {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), `kanaria-${key}-`)));
    return { value: await make(dir), dir, made: true, owned: true };
  }
  const dir = join(realpathSync(runDir), key);
  const result = join(dir, ".result.json");
  const failure = join(dir, ".error.txt");
  let mine = true;
  try {
    mkdirSync(dir); // atomic: exactly one process gets to make it
  } catch {
    mine = false;
  }
  if (mine) {
    try {
      const value = await make(dir);
      writeFileSync(`${result}.tmp`, JSON.stringify(value));
      renameSync(`${result}.tmp`, result); // never read half-written
      return { value, dir, made: true, owned: false };
    } catch (e) {
      writeFileSync(failure, `${(e as Error)?.stack ?? e}`);
      throw e;
    }
  }
  // Generous: the maker may be an npm pack on a machine busy with the rest of the suite.
  const deadline = Date.now() + 10 * PATIENCE_MS;
  for (;;) {
    try {
      return { value: JSON.parse(readFileSync(result, "utf8")) as T, dir, made: false, owned: false };
    } catch {}
    try {
      throw new Error(`another test process failed to make "${key}" for this run:\n${readFileSync(failure, "utf8")}`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    if (Date.now() > deadline) throw new Error(`waited ${(10 * PATIENCE_MS) / 1000} s for another test process to make "${key}" in ${dir}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
