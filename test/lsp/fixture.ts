// A throw-away copy of examples/canary with a runtime config in .kanaria/ (as a user's repo
// would have it), plus helpers to find positions in its files.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./client.ts";

export interface Fixture {
  dir: string;
  app: string;
  taskdef: string;
  servicedef: string;
  read(name: string): string;
  /** A file by absolute path; null when it does not exist. */
  readPath(path: string): string | null;
  write(name: string, text: string): void;
  remove(): void;
}

export function canaryFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), "kanaria-lsp-"));
  cpSync(`${ROOT}examples/canary`, dir, { recursive: true });
  mkdirSync(join(dir, ".kanaria"));
  cpSync(`${ROOT}examples/runtime.yaml`, join(dir, ".kanaria/runtime.yaml"));
  return {
    dir,
    app: join(dir, "app.pipecd.yaml"),
    taskdef: join(dir, "taskdef.yaml"),
    servicedef: join(dir, "servicedef.yaml"),
    read: (name) => readFileSync(join(dir, name), "utf8"),
    readPath: (path) => {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return null;
      }
    },
    write: (name, text) => writeFileSync(join(dir, name), text),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** 0-based position of the `nth` occurrence of `needle` in `text`, plus `offset` characters. */
export function positionOf(text: string, needle: string, offset = 0, nth = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" not found`);
  }
  const before = text.slice(0, at + offset);
  const line = before.split("\n").length - 1;
  return { line, character: before.length - before.lastIndexOf("\n") - 1 };
}
