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
        </header>
        <main id="main">{p.children}</main>
      </body>
    </html>
  );
}

export function StateBadge(p: { state: string; words?: string }) {
  return <span class={`badge s-${p.state}`}>{p.words ?? p.state.toLowerCase().replace("_", " ")}</span>;
}
