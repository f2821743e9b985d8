// The public PipeCD configs in ../shared/corpus/pipecd (beside the checkout in CI, absent in a
// plain clone). Tests that read them declare `corpusRequirement()`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
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

/** Names of the attachment sources an app declares (spec.attachment.sources). */
function attachmentSources(e: CorpusApp): string[] {
  const app = parse(readFileSync(`${CORPUS_DIR}${e.file}`, "utf8")) as any;
  return Object.values<string>(app?.spec?.attachment?.sources ?? {});
}

/**
 * A file beside the app, as the compiler would read it: the app's own when the corpus copied it,
 * else a stand-in (corpus/pipecd/standin/ for servicedef/taskdef, a line of text for an
 * attachment source); null for anything else.
 */
export function corpusFile(e: CorpusApp, name: string): string | null {
  if (name === "app.pipecd.yaml") return readFileSync(`${CORPUS_DIR}${e.file}`, "utf8");
  const prefix = e.file.replace(/app\.pipecd\.yaml$/, "");
  const own = `${CORPUS_DIR}${prefix}${name}`;
  if (prefix !== e.file && existsSync(own)) return readFileSync(own, "utf8");
  if (name === "servicedef.yaml" || name === "taskdef.yaml") return readFileSync(`${CORPUS_DIR}standin/${name}`, "utf8");
  if (attachmentSources(e).includes(name)) return "stand-in attachment source\n";
  return null;
}

/** Copies an app into `dir` as app.pipecd.yaml with the files it names (see corpusFile). */
export function materializeCorpusApp(e: CorpusApp, dir: string): string {
  for (const name of ["app.pipecd.yaml", "servicedef.yaml", "taskdef.yaml", ...attachmentSources(e)]) {
    writeFileSync(join(dir, name), corpusFile(e, name)!);
  }
  return join(dir, "app.pipecd.yaml");
}
