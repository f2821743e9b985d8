/** @jsxImportSource hono/jsx */
// The HTML shell of every page: header, skip link, stylesheet and script (both served by the
// app, no external assets), and the data attributes the script reads.
import type { Child } from "hono/jsx";

export interface LayoutProps {
  title: string;
  now: number;
  children?: Child;
  /** Data attributes for the client script (deployment id, live URL, last event id...). */
  data?: Record<string, string>;
}

export function Layout(p: LayoutProps) {
  const data: Record<string, string> = { "data-server-now": String(p.now) };
  for (const [k, v] of Object.entries(p.data ?? {})) data[`data-${k}`] = v;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{p.title}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/ui/style.css" />
        <script src="/ui/app.js" defer></script>
      </head>
      <body {...data}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/">
            Kanaria
          </a>
          <span class="muted">progressive delivery for Amazon ECS</span>
          <nav aria-label="Views" class="views">
            <a href="/">Deployments</a>
            <a href="/applications">Applications</a>
          </nav>
        </header>
        <main id="main">{p.children}</main>
      </body>
    </html>
  );
}

export function StateBadge(p: { state: string; words?: string }) {
  return <span class={`badge s-${p.state}`}>{p.words ?? p.state.toLowerCase().replace("_", " ")}</span>;
}

/** The Git commit a deployment came from: short hash, subject, author. */
export function CommitLine(p: { c: { hash: string; subject: string; author: string } }) {
  return (
    <span class="commit" title={p.c.hash}>
      <span class="mono">{p.c.hash.slice(0, 7)}</span> {p.c.subject} <span class="muted">by {p.c.author.replace(/\s*<[^>]*>$/, "")}</span>
    </span>
  );
}

/**
 * The confirmation dialog of every state-changing button (approve, cancel, sync): says what
 * will happen and asks for the token; the client script (client.ts) fills and sends it.
 */
export function ConfirmDialog() {
  return (
    <dialog id="confirm" aria-labelledby="confirm-title">
      <form method="dialog">
        <h2 id="confirm-title">Confirm</h2>
        <div id="confirm-body"></div>
        <div class="field">
          <label for="confirm-token" id="confirm-token-label">
            Token
          </label>
          <input id="confirm-token" type="password" autocomplete="off" spellcheck={false} />
        </div>
        <label style="font-weight:400">
          <input type="checkbox" id="confirm-remember" /> Remember the token in this browser tab (sessionStorage)
        </label>
        <div class="actions">
          <button type="submit" id="confirm-go" class="primary">
            Confirm
          </button>
          <button type="button" id="confirm-close">
            Close, change nothing
          </button>
        </div>
        <p id="confirm-result" class="result" role="status" aria-live="polite"></p>
      </form>
    </dialog>
  );
}
