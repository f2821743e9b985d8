// Keeps the README's rule table in step with compiler/rules/: the table between the
// `<!-- rules:start -->` and `<!-- rules:end -->` markers is generated from each rule's docs.
import { readFileSync, writeFileSync } from "node:fs";
import { RULES } from "../compiler/rules/index.ts";

const README = new URL("../README.md", import.meta.url);
const START = "<!-- rules:start -->";
const END = "<!-- rules:end -->";

export function rulesTable(): string {
  const rows = RULES.map((r) => `| \`${r.id}\` | ${r.severity} | ${r.phase} | ${r.docs.split(/(?<=\.)\s/)[0].replace(/\|/g, "\\|")} |`);
  return [START, "| id | severity | phase | what it checks |", "|---|---|---|---|", ...rows, END].join("\n");
}

export function withRulesTable(readme: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < 0) throw new Error(`README.md lacks the ${START} / ${END} markers`);
  return readme.slice(0, a) + rulesTable() + readme.slice(b + END.length);
}

if (import.meta.main) {
  writeFileSync(README, withRulesTable(readFileSync(README, "utf8")));
  console.log("README.md rule table updated");
}
