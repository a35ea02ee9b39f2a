/**
 * The report's stylesheet, inlined in one `<style>` element (allowed by its hash in the page's
 * CSP). No `url()` and no `@import`: the page loads nothing. Print rules drop the sidebar and
 * let tables grow to full length.
 */
export const AUDIT_STYLE = `
:root { --fg: #1f2933; --muted: #52606d; --line: #d9e2ec; --bg-alt: #f5f7fa; --accent: #1e5fa8; --warn: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); display: grid; grid-template-columns: 15rem minmax(0, 1fr); }
nav#toc { position: sticky; top: 0; align-self: start; height: 100vh; overflow: auto; padding: 1rem; border-right: 1px solid var(--line); background: var(--bg-alt); }
nav#toc h2 { font-size: 1rem; margin: 0 0 .5rem; }
nav#toc ol { margin: 0; padding-left: 1.2rem; }
nav#toc li { margin: .2rem 0; }
main { padding: 1rem 2rem 3rem; min-width: 0; }
h1 { margin: .2rem 0 .3rem; font-size: 1.6rem; }
h2 { margin: 2rem 0 .5rem; font-size: 1.25rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
a { color: var(--accent); }
.lead { color: var(--muted); margin: .3rem 0; }
dl.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .6rem; margin: .8rem 0; }
dl.figures div { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; background: #fff; }
dl.figures dt { color: var(--muted); font-size: .8rem; }
dl.figures dd { margin: .1rem 0 0; font-size: 1.5rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 1.5rem; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: .85rem; margin-top: .3rem; }
.chart-box { position: relative; height: 300px; }
.table-wrap { max-height: 70vh; overflow: auto; border: 1px solid var(--line); margin: .4rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: .4rem .5rem; background: #fff; }
caption .rows { color: var(--muted); font-weight: 400; }
th, td { padding: .25rem .5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; overflow-wrap: break-word; }
thead th { position: sticky; top: 0; background: var(--bg-alt); cursor: pointer; user-select: none; white-space: nowrap; }
thead th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: .7em; }
thead th[aria-sort="descending"]::after { content: " \\25BC"; font-size: .7em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafbfc; }
tbody tr:target { background: #fff3c4; outline: 2px solid #f0b400; }
pre.block { background: var(--bg-alt); border: 1px solid var(--line); padding: .6rem .8rem; overflow: auto; font-size: 12px; white-space: pre; }
.pager { display: flex; gap: .3rem; align-items: center; margin: -.6rem 0 1rem; font-size: .85rem; color: var(--muted); }
.pager button { font: inherit; padding: .1rem .5rem; border: 1px solid var(--line); background: #fff; border-radius: 4px; cursor: pointer; }
.pager button:disabled { opacity: .4; cursor: default; }
.note, .more { color: var(--muted); font-size: .9rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; }
@media (max-width: 900px) { body { display: block; } nav#toc { position: static; height: auto; border-right: 0; } .charts { grid-template-columns: 1fr; } }
@media print { body { display: block; } nav#toc { display: none; } .table-wrap { max-height: none; overflow: visible; } thead th { position: static; } }
`;
