// Tests that need something outside the checkout (a Debian package, ../shared) run where it is
// and skip elsewhere with one line saying what is missing and how to get it; under CI=true,
// where it must be there, they run anyway and fail with that message.
import { env } from "../../runtime/platform/index.ts";

const said = new Set<string>();

/** node:test options: `{}` when `present` (or under CI), else `{skip}` after one `# skip:` line. */
export function requirement(what: string, present: boolean, missing: string): { skip?: string } {
  if (present || env("CI") === "true") return {};
  if (!said.has(what)) console.log(`# skip: ${what}: ${missing}`);
  said.add(what);
  return { skip: missing };
}
