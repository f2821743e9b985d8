// The status page's stylesheet (served as /ui/style.css; no external assets). Colours keep a
// contrast of at least 4.5:1 for text; states always carry a word, never colour alone.
export const STYLES = `
:root{--fg:#111827;--muted:#4b5563;--bg:#ffffff;--panel:#f9fafb;--line:#d1d5db;--link:#1d4ed8;
--ok:#166534;--ok-bg:#dcfce7;--bad:#991b1b;--bad-bg:#fee2e2;--run:#1e40af;--run-bg:#dbeafe;--warn:#92400e;--warn-bg:#fef3c7;--idle:#374151;--idle-bg:#f3f4f6}
*{box-sizing:border-box}
[hidden]{display:none !important}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--link)}
a:focus-visible,button:focus-visible,select:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:10}
header.top{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;padding:10px 16px;border-bottom:1px solid var(--line);background:var(--panel)}
header.top nav.views{display:flex;gap:12px}
.small{font-size:.85rem}
.commit{overflow-wrap:anywhere}
ul.repos{padding-left:1.2rem}
header.top .brand{font-weight:700;text-decoration:none;color:var(--fg)}
main{padding:12px 16px 48px;max-width:1400px;margin:0 auto}
h1{font-size:1.4rem;margin:.4rem 0}
h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
h3{font-size:1rem;margin:1rem 0 .3rem}
.muted{color:var(--muted)}
.mono,code{font-family:ui-monospace,"SFMono-Regular",Menlo,monospace;font-size:.9em}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-weight:600;font-size:.85rem;border:1px solid currentColor;white-space:nowrap}
.s-SUCCEEDED,.v-pass,.r-passed{color:var(--ok);background:var(--ok-bg)}
.s-FAILED,.s-ROLLED_BACK,.v-fail,.r-failed{color:var(--bad);background:var(--bad-bg)}
.s-RUNNING,.r-running{color:var(--run);background:var(--run-bg)}
.s-ROLLING_BACK,.s-CANCELLED,.v-error,.r-stopped{color:var(--warn);background:var(--warn-bg)}
.s-SYNCED{color:var(--ok);background:var(--ok-bg)}
.s-OUT_OF_SYNC{color:var(--bad);background:var(--bad-bg)}
.s-DEPLOYING{color:var(--run);background:var(--run-bg)}
.s-UNKNOWN,.s-QUEUED,.s-PENDING,.s-SKIPPED,.s-NOT_NEEDED,.v-nodata,.r-pending{color:var(--idle);background:var(--idle-bg)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.85rem;color:var(--muted);font-weight:600}
form.filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end;margin:8px 0 12px}
form.filters .field{margin:0}
form.filters select,form.filters button,form.filters .button{height:40px;min-height:40px;padding-top:0;padding-bottom:0;line-height:38px}
label{font-size:.9rem;font-weight:600}
select,input[type=password],input[type=text]{font:inherit;padding:6px 8px;border:1px solid #6b7280;border-radius:6px;min-height:40px;background:#fff;color:var(--fg)}
button,.button{font:inherit;font-weight:600;padding:8px 14px;min-height:40px;border-radius:6px;border:1px solid #1f2937;background:#fff;color:var(--fg);cursor:pointer;text-decoration:none;display:inline-block}
button.primary{background:#1d4ed8;border-color:#1d4ed8;color:#fff}
button.danger{background:#b91c1c;border-color:#b91c1c;color:#fff}
button:disabled{opacity:.55;cursor:not-allowed}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px 16px;margin:8px 0}
.summary div{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:8px 10px}
.summary dt{font-size:.8rem;color:var(--muted)}.summary dd{margin:0;font-weight:600;overflow-wrap:break-word}
.slash-name{overflow-wrap:break-word}
.error-box{border:2px solid var(--bad);background:var(--bad-bg);color:var(--bad);border-radius:8px;padding:10px 12px;margin:12px 0;overflow-wrap:anywhere}
.error-box strong{display:block}
.notice{border:1px solid var(--line);background:var(--panel);border-radius:8px;padding:10px 12px;margin:12px 0}
.approval-box{border:2px solid var(--run);background:var(--run-bg);border-radius:8px;padding:10px 12px;margin:12px 0}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid var(--line);border-radius:8px}
.scroll svg{display:block}
/* Scroll shadows (no script needed): a shade appears at each edge with more content behind it. */
.scroll,ol.log{background-color:#fff;background-repeat:no-repeat}
.scroll{background-image:linear-gradient(to right,#fff 30%,rgba(255,255,255,0)),linear-gradient(to left,#fff 30%,rgba(255,255,255,0)),radial-gradient(farthest-side at 0 50%,rgba(17,24,39,.3),rgba(17,24,39,0)),radial-gradient(farthest-side at 100% 50%,rgba(17,24,39,.3),rgba(17,24,39,0));background-position:left center,right center,left center,right center;background-size:48px 100%,48px 100%,16px 100%,16px 100%;background-attachment:local,local,scroll,scroll}
ol.log{background-image:linear-gradient(#fff 30%,rgba(255,255,255,0)),linear-gradient(to top,#fff 30%,rgba(255,255,255,0)),radial-gradient(farthest-side at 50% 0,rgba(17,24,39,.3),rgba(17,24,39,0)),radial-gradient(farthest-side at 50% 100%,rgba(17,24,39,.3),rgba(17,24,39,0));background-position:center top,center bottom,center top,center bottom;background-size:100% 40px,100% 40px,100% 14px,100% 14px;background-attachment:local,local,scroll,scroll}
.scroll .kp-bg{fill:none}
/* The pipeline fits a wide screen (shrunk to no less than 80% of its size), else it scrolls. */
.pipeline-box svg{width:max(100%,calc(var(--w) * .8));max-width:var(--w);height:auto}
.scroll-hint{font-size:.9rem;color:var(--muted);margin:4px 0}
/* Without the script the server guesses when a box overflows; with it, the script measures. */
.scroll-hint.narrow-only,.scroll-hint.no-js-hidden{display:none}
[data-overflows="true"] + .scroll-hint{display:block !important}
[data-overflows="false"] + .scroll-hint{display:none !important}
.traffic{display:flex;height:34px;border-radius:6px;overflow:hidden;border:1px solid #374151;max-width:640px}
.traffic span{display:flex;align-items:center;justify-content:center;font-weight:700;font-size:.85rem;white-space:nowrap;overflow:hidden;transition:width .4s}
.traffic .p{background:#1e3a8a;color:#fff}.traffic .c{background:#fbbf24;color:#111827}
.legend{display:flex;gap:16px;flex-wrap:wrap;font-size:.9rem;margin:4px 0}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px;border:1px solid #111827}
.sw.p{background:#1e3a8a}.sw.c{background:#fbbf24}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,520px),1fr));gap:12px}
.chart{border:1px solid var(--line);border-radius:8px;padding:8px 10px;background:#fff;max-width:620px;min-width:0}
.chart svg{width:100%;height:auto;display:block}
.chart ol{margin:4px 0 0;padding-left:1.2rem;font-size:.85rem}
ol.log{list-style:none;margin:0;padding:0;font-size:.9rem;max-height:480px;overflow:auto;border:1px solid var(--line);border-radius:8px}
ol.log li{padding:4px 8px;border-bottom:1px solid #eef0f3;display:grid;grid-template-columns:auto auto 1fr;gap:0 10px}
ol.log li.l-error{background:var(--bad-bg);color:var(--bad)}
ol.log li.l-ok{color:var(--ok)}
ol.log li.l-step{color:var(--muted)}
ol.log time{color:var(--muted);white-space:nowrap}
ol.log li.l-error time{color:var(--bad)}
ol.log .who{font-family:ui-monospace,Menlo,monospace;font-size:.85em}
dialog{border:1px solid #374151;border-radius:10px;max-width:560px;width:calc(100% - 24px);padding:16px}
dialog::backdrop{background:rgba(17,24,39,.55)}
dialog ul{padding-left:1.2rem}
.field{display:flex;flex-direction:column;gap:4px;margin:10px 0}
.result{margin-top:8px;font-weight:600}
.result.bad{color:var(--bad)}.result.good{color:var(--ok)}
.live-dot{display:inline-block;width:9px;height:9px;border-radius:50%;background:#9ca3af;margin-right:6px}
.live-on .live-dot{background:#16a34a}
@media (max-width:720px){
  main{padding:8px 10px 40px}
  table.stack thead{display:none}
  table.stack tr{display:block;border:1px solid var(--line);border-radius:8px;margin:0 0 10px;padding:4px 0}
  table.stack td{display:grid;grid-template-columns:7.5rem 1fr;border:0;padding:3px 10px}
  table.stack td::before{content:attr(data-label);font-weight:600;color:var(--muted);font-size:.85rem}
  table.stack td > *{min-width:0;justify-self:start}
  .pipeline-box svg{width:var(--w)}
  .scroll-hint.narrow-only{display:block}
  ol.log li{grid-template-columns:1fr}
}
@media (prefers-reduced-motion:reduce){.traffic span{transition:none}}
`;
