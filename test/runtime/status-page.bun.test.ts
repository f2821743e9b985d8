// The status page end to end, in headless Chromium (Debian `chromium` + playwright-core): the
// runtime with the simulator serves the page; a canary goes from running to succeeded on the
// open page without a reload (SSE), a WAIT_APPROVAL is approved through the page's dialog, and a
// failing canary lights up the rollback path. Then the states `npm run screenshots` photographs
// (test/helpers/status-page-states.ts: running, rolled back, waiting, and a succeeded one), each
// at 1280×900 and 390×844: their words, and layout measured on element boxes
// (test/helpers/page-layout.ts). Screenshots of the first tests go to test-output/status-page/.
// Bun-only: playwright-core drives Chromium over a pipe, which Deno's node compatibility does not
// run reliably; the page's server rendering is tested on both runtimes in status-page.test.ts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { Simulator } from "../../runtime/simulator/index.ts";
import type { Runtime } from "../../runtime/executor/runtime.ts";
import type { RunningServer } from "../../runtime/platform/index.ts";
import { DEPLOYMENT_NODE } from "../../runtime/executor/context.ts";
import { appYaml, canaryStages, compileApp } from "../analysis/deployment-helpers.ts";
import { chromiumRequirement, launchChromium } from "../helpers/chromium.ts";
import { layoutProblems } from "../helpers/page-layout.ts";
import { ALICE, APPROVAL_STAGE, IMAGE, startStatusWorld, threshold, VIEWPORTS, walkStates, type StatusWorld, type ViewportName } from "../helpers/status-page-states.ts";

const OUT = new URL("../../test-output/status-page/", import.meta.url).pathname;
const stages = (o: { analysis: string; approval?: boolean }) => canaryStages(o.analysis, o.approval ? APPROVAL_STAGE : "");

describe("status page in Chromium", chromiumRequirement(), () => {
  let world: StatusWorld;
  let sim: Simulator;
  let rt: Runtime;
  let server: RunningServer;
  let browser: Browser;
  const problems: string[] = [];

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    world = await startStatusWorld();
    ({ sim, rt, server } = world);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await world?.close();
  });

  async function open(path: string, o: { size?: ViewportName; phone?: boolean; js?: boolean } = {}): Promise<Page> {
    const ctx = await browser.newContext({ ...VIEWPORTS[o.size ?? (o.phone ? "phone" : "desktop")], javaScriptEnabled: o.js ?? true });
    const page = await ctx.newPage();
    page.on("pageerror", (e) => problems.push(`${path}: page error ${e.message}`));
    page.on("console", (m) => {
      // The deliberate wrong-token attempt is logged by Chromium as a failed 401 load.
      if (m.type() === "error" && !/status of 401/.test(m.text())) problems.push(`${path}: console ${m.text()}`);
    });
    await page.goto(`${server.url}${path}`);
    return page;
  }
  /** `web:2`: the task definition revision a deployment registered. */
  const revision = async (id: string) => {
    const step = await rt.store.getStep(id, DEPLOYMENT_NODE, "register-task-definition");
    const arn = String((step?.result as { arn?: string } | undefined)?.arn);
    return arn.slice(arn.lastIndexOf("/") + 1);
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  const state = (page: Page, node: string) => page.getAttribute(`svg [data-node-id="${node}"]`, "data-state");
  const finalState = async (page: Page, wanted: string) => {
    await page.waitForSelector(`[data-deployment-state="${wanted}"]`, { timeout: 120_000 });
    await page.waitForFunction(() => document.body.dataset.final === "true", undefined, { timeout: 10_000 });
  };

  test("a canary goes from running to succeeded on the open page, without a reload", async () => {
    // 20 simulated minutes of analysis = 20 s real: long enough to be seen RUNNING on a loaded machine.
    const graph = compileApp(appYaml(sim, { stages: stages({ analysis: threshold("20m") }) }), IMAGE("1.27"));
    const d = await rt.submit(graph);
    const page = await open(`/deployments/${d.id}`);
    await page.evaluate(() => ((window as any).__sameDocument = true));
    assert.match(await page.title(), /^web nginx:1\.27 · (queued|running)/);

    // Read in one step in the page: the next live update may come between two separate reads.
    const running = await page.waitForFunction(
      () => {
        const status = document.querySelector('svg [data-node-id="analysis"][data-state="RUNNING"] [data-started-at]');
        return status ? { ticking: status.textContent, rollout: document.querySelector('svg [data-node-id="canary-rollout"]')?.getAttribute("data-state"), canary: document.querySelector(".traffic")?.getAttribute("data-canary") } : null;
      },
      undefined,
      { timeout: 60_000 },
    );
    const seen = (await running.jsonValue())!;
    assert.equal(seen.rollout, "SUCCEEDED");
    assert.equal(seen.canary, "50", "the bar shows the canary's share");
    assert.match(seen.ticking ?? "", /^▶ running · .+ \/ \d+m$/, "the running node shows elapsed / timeout");
    await page.waitForSelector("#live-status.live-on", { timeout: 10_000 });
    await shot(page, "1-canary-running");

    await finalState(page, "SUCCEEDED");
    assert.equal(await page.evaluate(() => (window as any).__sameDocument), true, "updated live, not reloaded");
    for (const n of ["canary-rollout", "canary-traffic", "analysis", "primary-rollout", "primary-traffic", "canary-clean"]) assert.equal(await state(page, n), "SUCCEEDED", n);
    for (const n of ["rollback-traffic", "rollback-primary", "rollback-clean"]) {
      assert.equal(await state(page, n), "NOT_NEEDED", n);
      assert.match((await page.textContent(`svg [data-node-id="${n}"] .kp-status`)) ?? "", /^– not needed \/ \d+m$/, n);
    }
    assert.equal(await page.locator("svg .kp-lit").count(), 0, "no failure edge lit");
    assert.equal(await page.getAttribute(".traffic", "data-primary"), "100");
    assert.equal(await page.locator('[data-check="metrics[0]"] [data-verdict="pass"]').count(), 20, "20 samples charted, all pass");
    assert.equal(await page.getAttribute('[data-check="metrics[0]"]', "data-result"), "passed");
    assert.ok((await page.locator('[data-check="metrics[0]"] rect.band').count()) === 1, "expected band drawn");
    assert.match((await page.textContent('[data-live="log"]')) ?? "", /Deployment SUCCEEDED/);
    assert.equal(await page.locator('button[data-action="cancel"]').count(), 0, "nothing to cancel once finished");
    assert.match(await page.title(), /^web nginx:1\.27 · succeeded/);
    await shot(page, "2-canary-succeeded");
    await page.context().close();

    const list = await open("/");
    const row = list.locator(`[data-deployment-row="${d.id}"]`);
    assert.equal(await row.getAttribute("data-state"), "SUCCEEDED");
    assert.deepEqual(await row.locator("td[data-label=Version] .version").allTextContents(), ["unknown image (web:1)", `nginx:1.27 (${await revision(d.id)})`], "image and revision on both sides");
    assert.match((await row.locator("td[data-label=Version]").textContent()) ?? "", / → \s*to /, "an arrow, and words for screen readers");
    await shot(list, "3-list");
    await list.context().close();
  });

  test("a WAIT_APPROVAL is approved through the page; cancel explains what it would do", async () => {
    const graph = compileApp(appYaml(sim, { stages: stages({ analysis: threshold("2m"), approval: true }) }), IMAGE("1.27"));
    const d = await rt.submit(graph);
    const page = await open(`/deployments/${d.id}`);
    const approve = page.locator('button[data-action="approve"]');
    await approve.waitFor({ state: "visible", timeout: 60_000 });
    assert.equal(await state(page, "approval"), "RUNNING");
    assert.match((await page.textContent("[data-waiting-approval]")) ?? "", /0 of 1 approval from alice/);

    // Cancel: the confirmation says what happens; closing it changes nothing.
    await page.click('button[data-action="cancel"]');
    const dialog = page.locator("dialog#confirm");
    await dialog.waitFor({ state: "visible" });
    const text = (await dialog.textContent()) ?? "";
    assert.match(text, /traffic goes back to the primary/);
    assert.match(text, /the canary and any new task sets are removed/);
    assert.match(text, /Server token/);
    await shot(page, "4-cancel-confirmation");
    await page.click("#confirm-close");
    await dialog.waitFor({ state: "hidden" });

    // Approve: a wrong token is refused with the server's message, then alice's is accepted.
    await approve.click();
    await dialog.waitFor({ state: "visible" });
    assert.match((await dialog.textContent()) ?? "", /This is the last approval needed: the pipeline continues with ANALYSIS/);
    await page.fill("#confirm-token", "not-a-valid-token-00000000");
    await page.click("#confirm-go");
    await page.waitForSelector("#confirm-result.bad");
    assert.match((await page.textContent("#confirm-result")) ?? "", /^401: /);
    await page.fill("#confirm-token", ALICE);
    await shot(page, "5-approve-dialog");
    await page.click("#confirm-go");
    await page.waitForSelector("#confirm-result.good");
    assert.match((await page.textContent("#confirm-result")) ?? "", /Approved by alice/);
    assert.equal(page.url().includes(ALICE), false, "the token never goes into a URL");

    await page.waitForSelector('[data-approved-by="alice"]', { timeout: 30_000 });
    await finalState(page, "SUCCEEDED");
    assert.equal(await state(page, "approval"), "SUCCEEDED");
    assert.match((await page.textContent('[data-live="log"]')) ?? "", /Approved by alice/);
    await shot(page, "6-approved-succeeded");
    await page.context().close();
  });

  test("a failing canary: the rollback path lights up and the error is in words", async () => {
    const graph = compileApp(appYaml(sim, { stages: stages({ analysis: threshold("10m", "              delay: 30s\n              failureLimit: 0\n") }) }), IMAGE("bad"));
    const d = await rt.submit(graph);
    const page = await open(`/deployments/${d.id}`);
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await finalState(page, "ROLLED_BACK");
    assert.equal(await page.evaluate(() => (window as any).__sameDocument), true);
    assert.equal(await state(page, "analysis"), "FAILED");
    for (const n of ["primary-rollout", "primary-traffic", "canary-clean"]) assert.equal(await state(page, n), "SKIPPED", n);
    for (const n of ["rollback-traffic", "rollback-primary", "rollback-clean"]) assert.equal(await state(page, n), "SUCCEEDED", n);
    assert.equal(await page.locator('svg path.kp-lit[data-failure-edge="analysis"]').count(), 1, "the failed node's edge to the rollback path is lit");
    const error = (await page.textContent("[data-error]")) ?? "";
    assert.match(error, /Rolled back: ANALYSIS \(analysis\) failed/);
    assert.match(error, /is above max 0\.05/);
    assert.equal(await page.locator('[data-check="metrics[0]"] [data-verdict="fail"]').count(), 1);
    assert.equal(await page.getAttribute(".traffic", "data-primary"), "100");
    await shot(page, "7-failed-rolled-back");
    await page.context().close();

    const phone = await open(`/deployments/${d.id}`, { phone: true });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no sideways scrolling of the page on a phone (the picture scrolls in its own box): ${overflow}px`);
    await phone.waitForFunction(() => (document.querySelector(".scroll") as HTMLElement).scrollLeft > 0, undefined, { timeout: 5_000 });
    const box = await phone.locator(".scroll").boundingBox();
    const failed = await phone.locator('svg [data-node-id="analysis"]').boundingBox();
    assert.ok(box && failed && failed.x >= box.x && failed.x + failed.width <= box.x + box.width, "the failed node is scrolled into view");
    await shot(phone, "8-phone-rolled-back");
    await phone.locator('[data-live="pipeline"]').screenshot({ path: join(OUT, "8b-phone-pipeline.png") });
    await phone.context().close();
  });

  test("without JavaScript: full pages, links and a refresh link; no action buttons", async () => {
    const list = await open("/?state=ROLLED_BACK", { js: false });
    assert.equal(await list.locator("[data-deployment-row]").count(), 1);
    await list.click("[data-deployment-row] a");
    await list.waitForSelector('svg [data-node-id="rollback-traffic"][data-state="SUCCEEDED"]');
    assert.equal(await list.locator('a[href^="/deployments/"]', { hasText: "Refresh" }).count(), 1);
    assert.ok((await list.locator("[data-check] ol li").count()) >= 1, "samples listed as text");
    await shot(list, "9-no-js-detail");
    await list.context().close();

    const running = await rt.submit(compileApp(appYaml(sim, { name: "web-nojs", stages: stages({ analysis: threshold("2m"), approval: true }) }), IMAGE("1.27")));
    const page = await open(`/deployments/${running.id}`, { js: false });
    assert.equal(await page.locator('button[data-action="cancel"]').isVisible(), false, "buttons need JS");
    assert.match((await page.textContent("noscript")) ?? "", /kanaria approve/);
    await page.context().close();
    await rt.scheduler.cancel(running.id);
    await rt.scheduler.wait(running.id);
    assert.deepEqual(problems, [], "no script errors or CSP violations on any page");
  });

  test("running, rolled back, waiting (and succeeded) at 1280×900 and 390×844: words, versions, layout", async () => {
    let first = "";
    // Another app name on the same service: the graphs differ from the ones the tests above ran.
    await walkStates(world, { app: "shop" }, async ({ name, id }) => {
      if (name === "succeeded") first = id;
      const before = `nginx:1.27 (${await revision(first)})`;
      for (const size of ["desktop", "phone"] as const) {
        const page = await open(`/deployments/${id}`, { size });
        const at = `${name} at ${size}`;
        await page.waitForFunction(() => document.querySelector("[data-scroll-box][data-overflows]") !== null);
        // "Stages as a table" open too: on a phone it is a stacked table.
        await page.evaluate(() => {
          for (const d of document.querySelectorAll("details")) d.open = true;
        });
        assert.deepEqual(await layoutProblems(page), [], at);
        const status = (await page.textContent("[data-deployment-state]"))?.trim();
        assert.doesNotMatch((await page.textContent('[data-live="summary"]')) ?? "", /stage-\d/, `${at}: no made-up stage ids in the header`);
        const versions = await page.locator(".summary .version").allTextContents();

        // The log opens at the newest event, in view at the top of its box.
        const times = await page.locator("ol.log time").evaluateAll((ts) => ts.map((t) => t.getAttribute("datetime") ?? ""));
        assert.deepEqual(times, [...times].sort().reverse(), `${at}: log newest first`);
        const inView = await page.evaluate(() => {
          const log = document.querySelector("ol.log")!.getBoundingClientRect();
          const top = document.querySelector("ol.log li")!.getBoundingClientRect();
          return top.top >= log.top && top.bottom <= log.bottom;
        });
        assert.ok(inView, `${at}: the newest event is in view`);

        // Six stages fit at 1280 px (seven, with the approval, scroll); on a phone it scrolls, and says so.
        const box = page.locator(".pipeline-box");
        const overflows = await box.getAttribute("data-overflows");
        if (size === "desktop" && name === "waiting") {
          assert.equal(await page.locator("#pipeline-hint").isVisible(), overflows === "true", `${at}: the hint shows exactly when the picture scrolls`);
        } else if (size === "desktop") {
          assert.equal(overflows, "false", `${at}: the whole pipeline is in view`);
          const inside = await page.evaluate(() => {
            const b = document.querySelector(".pipeline-box")!.getBoundingClientRect();
            const last = [...document.querySelectorAll('.kanaria-pipeline g[data-path="main"]')].pop()!.getBoundingClientRect();
            return last.right <= b.right;
          });
          assert.ok(inside, `${at}: the last stage is inside the box`);
        } else {
          assert.equal(overflows, "true", `${at}: the pipeline is wider than a phone`);
          assert.equal(await page.locator("#pipeline-hint").isVisible(), true, `${at}: scroll hint shown`);
        }

        // The analysis chart is the largest evidence on the page: wide on a desktop, whole on a phone.
        if (name !== "waiting") {
          const width = await page.evaluate(() => document.querySelector(".chart svg")?.getBoundingClientRect().width ?? 0);
          assert.ok(width >= (size === "desktop" ? 560 : 300), `${at}: chart ${width}px wide`);
        } else assert.equal(await page.locator(".chart svg").count(), 0, `${at}: no empty chart before the first sample`);

        if (name === "succeeded") {
          for (const n of ["rollback-traffic", "rollback-primary", "rollback-clean"]) assert.equal(await state(page, n), "NOT_NEEDED", `${at}: ${n}`);
          assert.equal(status, "Deployment succeeded.");
        } else if (name === "rolled-back") {
          assert.equal(status, "Deployment rolled back.");
          assert.deepEqual(versions, [before, `nginx:bad (${await revision(id)})`], at);
          assert.match((await page.textContent("[data-error]")) ?? "", /^Rolled back: ANALYSIS \(analysis\) failed/, at);
          assert.match((await page.locator("ol.log li").first().textContent()) ?? "", /Deployment ROLLED_BACK/, `${at}: newest event first`);
        } else if (name === "waiting") {
          assert.equal(status, "Running WAIT_APPROVAL (approval).");
          assert.deepEqual(versions, [before, `nginx:1.28 (${await revision(id)})`], at);
          assert.match((await page.textContent("[data-waiting-approval]")) ?? "", /^Waiting for approval at WAIT_APPROVAL \(approval\)/, at);
        } else {
          assert.equal(status, "Running ANALYSIS.", `${at}: the stage's name, its made-up id left out`);
          assert.deepEqual(versions, [before, `nginx:1.28 (${await revision(id)})`], at);
          assert.ok((await page.locator('[data-check="metrics[0]"] [data-verdict]').count()) >= 2, `${at}: samples charted`);
        }
        await page.context().close();

        if (name === "running") {
          // The list: every deployment so far, ids under the app names, filter controls in line.
          const list = await open("/", { size });
          assert.deepEqual(await layoutProblems(list), [], `list at ${size}`);
          const row = list.locator(`[data-deployment-row="${id}"]`);
          assert.deepEqual(await row.locator("td[data-label=Version] .version").allTextContents(), [before, `nginx:1.28 (${await revision(id)})`]);
          assert.equal(await list.locator("[data-slash-name]").first().textContent(), "simulator/demo/web");
          // One read in the page: the list refreshes itself every few seconds.
          const under = await list.evaluate((id) => {
            const cell = document.querySelector(`[data-deployment-row="${id}"] td[data-label=App]`)!;
            const app = cell.querySelector("a")!.getBoundingClientRect();
            const shown = cell.querySelector(".mono")!.getBoundingClientRect();
            return Math.abs(shown.left - app.left) <= 1 && shown.top >= app.bottom - 1;
          }, id);
          assert.ok(under, `list at ${size}: the id sits under the app name`);
          await list.context().close();
        }
      }
    });
    assert.deepEqual(problems, [], "no script errors or CSP violations on any page");
  });
});
