// `npm run bench`: every bench/*.bench.ts in one run (or the ones named: `npm run bench compile`).
import { readdirSync } from "node:fs";

const only = process.argv.slice(2);
const files = readdirSync(new URL(".", import.meta.url))
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
for (const f of files) {
  console.log(`\n## ${f}`);
  const mod = await import(`./${f}`);
  await mod.run();
}
console.log(`\nResults written to bench/results/.`);
