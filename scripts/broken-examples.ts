// examples/broken/<rule-id>/: one folder per rule, made from the rule's first invalid example,
// so people can see each rule fire (`kanaria compile examples/broken/<id>`). Generated; a test
// keeps it in sync with the rules. Regenerate with `bun scripts/broken-examples.ts`.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { RULES } from "../compiler/rules/index.ts";

const dir = new URL("../examples/broken/", import.meta.url);

/** Files by path relative to examples/broken/. */
export function brokenExamples(): Map<string, string> {
  const out = new Map<string, string>();
  const index = ["# Broken examples", "", "Each folder makes one rule fire. Generated from the rules' invalid examples by `scripts/broken-examples.ts`.", "", "| folder | rule | severity | example |", "|---|---|---|---|"];
  for (const rule of RULES) {
    const ex = rule.examples.invalid[0];
    for (const [name, text] of Object.entries(ex.files)) out.set(`${rule.id}/${name}`, text);
    if (ex.config) out.set(`${rule.id}/runtime.yaml`, ex.config);
    const cmd = `kanaria compile examples/broken/${rule.id}${ex.config ? ` --config examples/broken/${rule.id}/runtime.yaml` : ""}`;
    index.push(`| [${rule.id}](${rule.id}/) | \`${rule.id}\` | ${rule.severity} | ${ex.title} — \`${cmd}\` |`);
  }
  out.set("README.md", index.join("\n") + "\n");
  return out;
}

if (import.meta.main) {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, text] of brokenExamples()) {
    const url = new URL(path, dir);
    mkdirSync(new URL(".", url), { recursive: true });
    writeFileSync(url, text);
  }
  console.log(`wrote examples/broken/ (${RULES.length} rules)`);
}
