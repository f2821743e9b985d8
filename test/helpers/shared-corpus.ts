// The public PipeCD configs in ../shared/corpus/pipecd (beside the checkout in CI, absent in a
// plain clone). Tests that read them declare `corpusRequirement()`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { requirement } from "./requirement.ts";

export const CORPUS_URL = new URL("../../../shared/corpus/pipecd/", import.meta.url);
export const CORPUS_DIR = fileURLToPath(CORPUS_URL);
export const corpusPresent = existsSync(`${CORPUS_DIR}MANIFEST.txt`);
export const MISSING_CORPUS = `the PipeCD corpus is not beside the checkout (${CORPUS_DIR}); it ships in the project's shared/ folder`;

export function corpusRequirement(what = "corpus tests"): { skip?: string } {
  return requirement(what, corpusPresent, MISSING_CORPUS);
}

export interface CorpusApp {
  /** Path inside the corpus, e.g. pipecd/examples__v0__ecs__canary__app.pipecd.yaml. */
  file: string;
  note: string;
}

/** The ECS app configs the corpus MANIFEST.txt lists (none when the corpus is absent). */
export function corpusApps(): CorpusApp[] {
  if (!corpusPresent) return [];
  return readFileSync(`${CORPUS_DIR}MANIFEST.txt`, "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split("\t"))
    .map(([file, , , , note]) => ({ file, note }))
    .filter((e) => /app\.pipecd\.yaml$|testdata__application__/.test(e.file));
}

/** Apps PipeCD runs as they are: every one but the NEGATIVE, REJECT and input-less (wait-approval) ones. */
export function validCorpusApps(): CorpusApp[] {
  return corpusApps().filter((e) => !/^(NEGATIVE|REJECT)/.test(e.note) && !e.file.includes("wait-approval"));
}

/**
 * Copies an app into `dir` as app.pipecd.yaml with its servicedef.yaml and taskdef.yaml: its own
 * when the corpus has them, else the corpus stand-ins.
 */
export function materializeCorpusApp(e: CorpusApp, dir: string): string {
  const prefix = e.file.replace(/app\.pipecd\.yaml$/, "");
  writeFileSync(join(dir, "app.pipecd.yaml"), readFileSync(`${CORPUS_DIR}${e.file}`));
  for (const name of ["servicedef.yaml", "taskdef.yaml"]) {
    const own = `${CORPUS_DIR}${prefix}${name}`;
    writeFileSync(join(dir, name), readFileSync(prefix !== e.file && existsSync(own) ? own : `${CORPUS_DIR}standin/${name}`));
  }
  return join(dir, "app.pipecd.yaml");
}
