// Layout faults a reader would see, measured in the browser on the rendered page (element boxes,
// not markup): the page scrolling sideways, content cut off in a box that gives no hint it
// scrolls, overlapping chart labels, pipeline text running out of its node, a stacked table cell
// whose content slips into the label column, a slash-separated name broken inside a word, and
// form controls that do not line up. Used by the status page's Chromium test.
import type { Page } from "playwright-core";

export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const name = (e: Element) => {
      const id = e.id ? `#${e.id}` : "";
      const cls = typeof e.className === "string" && e.className ? `.${e.className.trim().split(/\s+/).join(".")}` : "";
      const data = [...e.attributes].find((a) => a.name.startsWith("data-"));
      return `${e.tagName.toLowerCase()}${id}${cls}${data ? `[${data.name}="${data.value}"]` : ""}`;
    };
    const shown = (e: Element) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
    const overlap = (a: DOMRect, b: DOMRect) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;

    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) out.push(`the page scrolls sideways by ${doc.scrollWidth - doc.clientWidth}px`);

    // Cut off: a box smaller than its content must scroll and say so (aria-describedby → a
    // visible hint that mentions scrolling).
    for (const e of document.querySelectorAll("body *")) {
      if (e.closest("svg, select, .sr-only, template, noscript") || !shown(e)) continue;
      const st = getComputedStyle(e);
      const axes = [
        { cut: st.overflowX !== "visible" && e.scrollWidth > e.clientWidth + 1, mode: st.overflowX, axis: "sideways" },
        { cut: st.overflowY !== "visible" && e.scrollHeight > e.clientHeight + 1, mode: st.overflowY, axis: "vertically" },
      ];
      for (const a of axes) {
        if (!a.cut) continue;
        if (a.mode !== "auto" && a.mode !== "scroll") {
          out.push(`${name(e)} cuts off its content ${a.axis} (overflow ${a.mode})`);
          continue;
        }
        const hint = document.getElementById(e.getAttribute("aria-describedby") ?? "");
        if (!hint || !shown(hint) || !/scroll/i.test(hint.textContent ?? "")) out.push(`${name(e)} holds more than it shows (${a.axis}) with no visible hint that it scrolls`);
      }
    }

    // Chart labels never overlap each other.
    for (const chart of document.querySelectorAll(".chart svg")) {
      const texts = [...chart.querySelectorAll("text")].filter(shown);
      for (const [i, a] of texts.entries()) {
        for (const b of texts.slice(i + 1)) if (overlap(a.getBoundingClientRect(), b.getBoundingClientRect())) out.push(`chart labels "${a.textContent}" and "${b.textContent}" overlap`);
      }
    }

    // Pipeline node text stays inside its node.
    for (const g of document.querySelectorAll(".kanaria-pipeline g[data-node-id]")) {
      const box = g.querySelector("rect")!.getBoundingClientRect();
      for (const t of g.querySelectorAll("text")) {
        const r = t.getBoundingClientRect();
        if (r.left < box.left - 0.5 || r.right > box.right + 0.5) out.push(`"${t.textContent}" runs out of node ${g.getAttribute("data-node-id")}`);
      }
    }

    // Stacked table cells (phone): the label column holds only the label.
    for (const td of document.querySelectorAll<HTMLElement>("table.stack td")) {
      if (!shown(td) || getComputedStyle(td).display !== "grid") continue;
      const label = Number.parseFloat(getComputedStyle(td).gridTemplateColumns.split(" ")[0]);
      const left = td.getBoundingClientRect().left + Number.parseFloat(getComputedStyle(td).paddingLeft) + label;
      for (const n of td.childNodes) if (n.nodeType === Node.TEXT_NODE && n.textContent?.trim()) out.push(`text "${n.textContent.trim()}" of ${td.dataset.label} is a grid item of its own`);
      for (const c of td.children) if (shown(c) && c.getBoundingClientRect().left < left - 1) out.push(`"${c.textContent?.trim()}" sits in the label column of ${td.dataset.label}`);
    }

    // Slash-separated names break only at a slash.
    for (const e of document.querySelectorAll("[data-slash-name]")) {
      if (!shown(e)) continue;
      const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent ?? "";
        let start = 0;
        for (const word of text.split("/")) {
          if (word) {
            const r = document.createRange();
            r.setStart(n, start);
            r.setEnd(n, start + word.length);
            const lines = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
            if (lines.size > 1) out.push(`"${word}" of ${e.getAttribute("data-slash-name")} breaks across ${lines.size} lines`);
          }
          start += word.length + 1;
        }
      }
    }

    // Form controls in a row line up.
    for (const form of document.querySelectorAll("form.filters")) {
      const boxes = [...form.querySelectorAll("select, button, .button")].filter(shown).map((c) => ({ c, r: c.getBoundingClientRect() }));
      for (const [i, a] of boxes.entries()) {
        for (const b of boxes.slice(i + 1)) {
          const sameRow = Math.min(a.r.bottom, b.r.bottom) > Math.max(a.r.top, b.r.top);
          if (sameRow && (Math.abs(a.r.top - b.r.top) > 1 || Math.abs(a.r.bottom - b.r.bottom) > 1)) out.push(`${name(a.c)} (${Math.round(a.r.top)}–${Math.round(a.r.bottom)}) and ${name(b.c)} (${Math.round(b.r.top)}–${Math.round(b.r.bottom)}) do not line up`);
        }
      }
    }
    return out;
  });
}
