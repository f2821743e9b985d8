// Headless Chromium for the status page's end-to-end test: Debian's `chromium` package
// (/usr/bin/chromium, installed by .ci/run) driven by playwright-core (no browser download).
// Same rule as the real-Prometheus tests: missing outside CI = skipped with a message; missing
// under CI=true = the test runs and fails.
import { existsSync } from "node:fs";
import { env } from "../../runtime/platform/index.ts";
import { requirement } from "./requirement.ts";

export const MISSING_CHROMIUM = "Chromium is not installed (/usr/bin/chromium); install it with `apt-get update && apt-get install -y chromium`";

/** CHROMIUM_BIN overrides the path (a path that does not exist = missing). */
export function findChromium(): string | null {
  const path = env("CHROMIUM_BIN") ?? "/usr/bin/chromium";
  return existsSync(path) ? path : null;
}

export function chromiumRequirement(): { skip?: string } {
  return requirement("status page browser tests", findChromium() !== null, MISSING_CHROMIUM);
}

/** The network is closed: these flags keep Chromium from trying to reach Google services. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
];

/** A browser on a fresh temporary profile (playwright's default for launch()). */
export async function launchChromium() {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(MISSING_CHROMIUM);
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
