// The public PipeCD configs in ../shared/corpus/pipecd (beside the checkout in CI, absent in a
// plain clone). Tests that read them declare `corpusRequirement()`.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { requirement } from "./requirement.ts";

export const CORPUS_URL = new URL("../../../shared/corpus/pipecd/", import.meta.url);
export const CORPUS_DIR = fileURLToPath(CORPUS_URL);
export const corpusPresent = existsSync(`${CORPUS_DIR}MANIFEST.txt`);
export const MISSING_CORPUS = `the PipeCD corpus is not beside the checkout (${CORPUS_DIR}); it ships in the project's shared/ folder`;

export function corpusRequirement(what = "corpus tests"): { skip?: string } {
  return requirement(what, corpusPresent, MISSING_CORPUS);
}
