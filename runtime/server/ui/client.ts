// The status page's only script (served as /ui/app.js: its parts' sources, then `(clientMain)()`;
// each part uses nothing outside its body but what CLIENT_SCRIPT puts in front of it).
// Progressive enhancement: every page works without it.
// - ticks the elapsed time of running nodes;
// - on a deployment page, follows GET /api/deployments/:id/events (SSE) and, after each event,
//   re-fetches the server-rendered sections (/deployments/:id/live) and swaps those that changed
//   (one renderer: the server's; the script never builds markup from event data);
// - on the list page, refreshes the table every few seconds;
// - approve / cancel: a dialog that says what will happen, asks for the token (kept in memory,
//   or in sessionStorage when asked; never in a URL) and POSTs with `Authorization: Bearer`.
import { shortDuration } from "../../../compiler/resolve/duration.ts";
import { FINAL_STATES } from "../../deployment-states.ts";

/** Defined in front of the script (CLIENT_SCRIPT below). */
declare const FINAL_STATE_NAMES: readonly string[];

// Each part below is shipped as its own source text (CLIENT_SCRIPT), so each uses nothing outside
// its body but its parameters, the browser, shortDuration and FINAL_STATE_NAMES.

/** Ticks the elapsed time of running nodes every second; returns the tick (run it after a swap). */
export function startTicker(skew: number): () => void {
  const tick = () => {
    for (const el of document.querySelectorAll<HTMLElement | SVGElement>("[data-started-at]")) {
      const started = Number(el.dataset.startedAt);
      const scale = Number(el.dataset.timeScale ?? 1) || 1;
      el.textContent = `${el.dataset.prefix ?? ""}${shortDuration(Math.max(0, Date.now() + skew - started) * scale)}${el.dataset.suffix ?? ""}`;
    }
  };
  setInterval(tick, 1000);
  return tick;
}

/**
 * On a narrow screen the picture scrolls sideways: brings the running (or failed) node into view
 * when it changes; otherwise leaves the reader's scroll position alone. Returns the check.
 */
export function pictureFocus(): () => void {
  let focused = "";
  const focusActive = () => {
    for (const box of document.querySelectorAll<HTMLElement>(".scroll")) {
      const node = box.querySelector<SVGGraphicsElement>('[data-state="RUNNING"], [data-path="main"][data-state="FAILED"]');
      const key = node ? `${node.dataset.nodeId}/${node.dataset.state}` : "";
      if (!node || key === focused || box.scrollWidth <= box.clientWidth) continue;
      focused = key;
      const r = node.getBoundingClientRect();
      const b = box.getBoundingClientRect();
      if (r.left >= b.left && r.right <= b.right) continue;
      box.scrollLeft = Math.max(0, r.left - b.left + box.scrollLeft - (box.clientWidth - r.width) / 2);
    }
  };
  focusActive();
  return focusActive;
}

/** Scroll boxes say whether they hold more than they show: the hint under each follows that. */
export function markOverflow(): void {
  for (const box of document.querySelectorAll<HTMLElement>("[data-scroll-box]")) {
    box.dataset.overflows = String(box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1);
  }
}

/**
 * The live swap: re-fetches the server-rendered sections (`liveUrl`) and replaces those that
 * changed, keeping open <details> and scroll positions; `afterSwap` runs after each swap.
 * `refresh` fetches now (one request at a time), `soon` within 150 ms (events come in bursts).
 */
export function liveSections(liveUrl: string | undefined, afterSwap: () => void): { refresh: () => Promise<void>; soon: () => void } {
  const swap = (html: string) => {
    const doc = new DOMParser().parseFromString(html, "text/html");
    for (const fresh of doc.querySelectorAll<HTMLElement>("[data-live]")) {
      const old = document.querySelector<HTMLElement>(`[data-live="${fresh.dataset.live}"]`);
      if (old && old.innerHTML !== fresh.innerHTML) {
        for (const a of ["class", "data-state"]) {
          const v = fresh.getAttribute(a);
          if (v === null) old.removeAttribute(a);
          else old.setAttribute(a, v);
        }
        const open = [...old.querySelectorAll("details")].map((d) => d.open);
        const scroll = [...old.querySelectorAll<HTMLElement>(".scroll")].map((b) => b.scrollLeft);
        old.innerHTML = fresh.innerHTML;
        for (const [i, d] of [...old.querySelectorAll("details")].entries()) if (open[i]) d.open = true;
        for (const [i, b] of [...old.querySelectorAll<HTMLElement>(".scroll")].entries()) b.scrollLeft = scroll[i] ?? 0;
      }
    }
    for (const el of document.querySelectorAll<HTMLElement>("[data-needs-js]")) el.hidden = false;
    const t = doc.querySelector("title")?.textContent;
    if (t) document.title = t;
    afterSwap();
  };

  let inFlight = false;
  let again = false;
  const refresh = async () => {
    if (!liveUrl) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      const res = await fetch(liveUrl, { headers: { accept: "text/html" } });
      if (res.ok) swap(await res.text());
    } catch {
      /* next event or poll retries */
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        setTimeout(refresh, 100);
      }
    }
  };
  let timer: ReturnType<typeof setTimeout> | null = null;
  const soon = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void refresh();
    }, 150);
  };
  return { refresh, soon };
}

/** A deployment page follows its events (SSE) until the deployment ends; the list page refreshes every 5 s. */
export function followUpdates(body: HTMLElement, live: { refresh: () => Promise<void>; soon: () => void }): void {
  const id = body.dataset.deploymentId;
  const status = document.getElementById("live-status");
  const setLive = (on: boolean, text: string) => {
    if (!status) return;
    status.classList.toggle("live-on", on);
    const label = status.querySelector(".live-text");
    if (label) label.textContent = text;
  };
  if (id && body.dataset.final !== "true" && typeof EventSource !== "undefined") {
    const es = new EventSource(`/api/deployments/${encodeURIComponent(id)}/events?after=${encodeURIComponent(body.dataset.lastEventId ?? "0")}`);
    const types = ["deployment.state", "deployment.resumed", "node.started", "node.resumed", "node.succeeded", "node.failed", "log", "step", "approval.waiting", "approval.granted", "message"];
    for (const t of types) {
      es.addEventListener(t, (ev) => {
        if (t === "deployment.state") {
          let state = "";
          try {
            state = String(JSON.parse((ev as MessageEvent).data).state);
          } catch {
            /* ignore */
          }
          if (FINAL_STATE_NAMES.includes(state)) {
            es.close();
            body.dataset.final = "true";
            setLive(false, `Finished (${state})`);
          }
        }
        live.soon();
      });
    }
    es.onopen = () => setLive(true, "Live: updates as it happens");
    es.onerror = () => {
      if (body.dataset.final === "true") return;
      setLive(false, "Reconnecting…");
    };
  } else if (body.dataset.pollList === "true") {
    setInterval(() => {
      if (!document.hidden) void live.refresh();
    }, 5000);
  }
}

/** Approve / cancel: a dialog that says what will happen, asks for the token and POSTs; `refresh` after it worked. */
export function confirmDialogs(refresh: () => Promise<void>): void {
  const dialog = document.getElementById("confirm") as HTMLDialogElement | null;
  if (!dialog) return;
  const form = dialog.querySelector("form") as HTMLFormElement;
  const title = document.getElementById("confirm-title") as HTMLElement;
  const bodyEl = document.getElementById("confirm-body") as HTMLElement;
  const tokenLabel = document.getElementById("confirm-token-label") as HTMLElement;
  const token = document.getElementById("confirm-token") as HTMLInputElement;
  const remember = document.getElementById("confirm-remember") as HTMLInputElement;
  const go = document.getElementById("confirm-go") as HTMLButtonElement;
  const result = document.getElementById("confirm-result") as HTMLElement;
  const memory: Record<string, string> = {};
  let current: { action: string; url: string; key: string } | null = null;
  const stored = (key: string): string => {
    try {
      return memory[key] ?? sessionStorage.getItem(key) ?? "";
    } catch {
      return memory[key] ?? "";
    }
  };

  document.addEventListener("click", (ev) => {
    const btn = (ev.target as Element | null)?.closest<HTMLButtonElement>("button[data-action]");
    if (!btn) return;
    const action = btn.dataset.action ?? "";
    const tpl = document.querySelector<HTMLTemplateElement>(`template[data-confirm="${action}"]`);
    if (!tpl) return;
    const key = `kanaria.token.${action}`;
    current = { action, url: btn.dataset.url ?? "", key };
    title.textContent = btn.dataset.title ?? "";
    bodyEl.replaceChildren(tpl.content.cloneNode(true));
    tokenLabel.textContent = btn.dataset.tokenLabel ?? "Token";
    go.textContent = btn.dataset.confirm ?? "Confirm";
    go.className = action === "cancel" ? "danger" : "primary";
    token.value = stored(key);
    remember.checked = (() => {
      try {
        return sessionStorage.getItem(key) !== null;
      } catch {
        return false;
      }
    })();
    result.textContent = "";
    result.className = "result";
    go.disabled = false;
    dialog.showModal();
    token.focus();
  });
  document.getElementById("confirm-close")?.addEventListener("click", () => dialog.close());

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!current) return;
    const { url, key } = current;
    const value = token.value.trim();
    if (!value) {
      result.textContent = "Enter the token first.";
      result.className = "result bad";
      token.focus();
      return;
    }
    memory[key] = value;
    try {
      if (remember.checked) sessionStorage.setItem(key, value);
      else sessionStorage.removeItem(key);
    } catch {
      /* storage disabled: memory only */
    }
    go.disabled = true;
    result.textContent = "Sending…";
    result.className = "result";
    try {
      const res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${value}` } });
      let msg = "";
      try {
        const data = await res.json();
        msg = String(data.message ?? (data.state ? `Deployment is ${data.state}.` : ""));
      } catch {
        /* not JSON */
      }
      if (res.ok) {
        result.textContent = msg || "Done.";
        result.className = "result good";
        void refresh();
        setTimeout(() => dialog.close(), 1200);
      } else {
        if (res.status === 401) delete memory[key];
        result.textContent = `${res.status}: ${msg || res.statusText}`;
        result.className = "result bad";
        go.disabled = false;
      }
    } catch (e) {
      result.textContent = `Could not reach the server: ${(e as Error).message}`;
      result.className = "result bad";
      go.disabled = false;
    }
  });
}

export function clientMain(): void {
  const body = document.body;
  const tick = startTicker(Number(body.dataset.serverNow ?? Date.now()) - Date.now());
  const focusActive = pictureFocus();
  markOverflow();
  window.addEventListener("resize", markOverflow);
  for (const el of document.querySelectorAll<HTMLElement>("[data-needs-js]")) el.hidden = false;
  const live = liveSections(body.dataset.liveUrl, () => {
    tick();
    focusActive();
    markOverflow();
  });
  followUpdates(body, live);
  confirmDialogs(live.refresh);
}

// The same duration format as the server-rendered picture (one function, shipped as source), and
// the final states from runtime/deployment-states.ts.
export const CLIENT_SCRIPT = [
  `const shortDuration = ${shortDuration.toString()};`,
  `const FINAL_STATE_NAMES = ${JSON.stringify([...FINAL_STATES])};`,
  ...[startTicker, pictureFocus, markOverflow, liveSections, followUpdates, confirmDialogs].map((part) => part.toString()),
  `(${clientMain.toString()})();`,
  "",
].join("\n");
