// `npm run screenshots`: the status page's states (running, rolled back, waiting for an approval,
// and the list) at 1280×900 and on a 390×844 phone, photographed in Debian's Chromium into
// docs/screenshots/, so a reviewer can look before reading the diff. The states are built by the
// same code as the Chromium test's (test/helpers/status-page-states.ts), on the embedded
// simulator; nothing leaves the machine. Debian's `pngquant`, when installed, makes the files
// about four times smaller (the folder is committed).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "../test/helpers/chromium.ts";
import { startStatusWorld, VIEWPORTS, walkStates, type ViewportName } from "../test/helpers/status-page-states.ts";

const OUT = new URL("../docs/screenshots/", import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });

const world = await startStatusWorld();
const browser = await launchChromium();
const written: string[] = [];
try {
  const shoot = async (path: string, file: string) => {
    for (const size of Object.keys(VIEWPORTS) as ViewportName[]) {
      const ctx = await browser.newContext({ ...VIEWPORTS[size], reducedMotion: "reduce" });
      const page = await ctx.newPage();
      await page.goto(`${world.server.url}${path}`);
      await page.waitForLoadState("networkidle").catch(() => {}); // an open event stream never idles
      await page.waitForTimeout(300);
      const name = `${file}-${size}.png`;
      await page.screenshot({ path: join(OUT, name), fullPage: true });
      written.push(name);
      await ctx.close();
    }
  };
  await walkStates(world, { only: ["rolled-back", "waiting", "running"] }, async ({ name, id }) => {
    await shoot(`/deployments/${id}`, name);
    if (name === "running") await shoot("/", "list");
  });
} finally {
  await browser.close();
  await world.close();
}
const pngquant = ["/usr/bin/pngquant", "/usr/local/bin/pngquant"].find((p) => existsSync(p));
for (const f of written) {
  if (pngquant) spawnSync(pngquant, ["--quality", "70-95", "--speed", "1", "--force", "--ext", ".png", join(OUT, f)], { stdio: "inherit" });
  console.log(`docs/screenshots/${f} ${Math.round(statSync(join(OUT, f)).size / 1024)} KiB`);
}
if (!pngquant) console.log("(install pngquant, `apt-get install -y pngquant`, for files about four times smaller)");
