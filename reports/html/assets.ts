// What report.html inlines: Chart.js (from node_modules, so the page needs no network), DejaVu Sans (the font
// the PNG charts use, so the page looks the same everywhere, offline), the stylesheet, and the small client
// script that draws the charts from their JSON configs and sorts tables.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let chartJs: string | undefined;
let fontFaces: string | undefined;

/** the weights report.html uses (normal text, bold headings); italic is not used */
const FONT_WEIGHTS = ['400', '700'] as const;

/** @font-face rules embedding @fontsource/dejavu-sans's latin woff2 files as base64 data URLs */
export function fontFaceCss(): string {
  if (fontFaces === undefined) {
    const files = join(dirname(createRequire(import.meta.url).resolve('@fontsource/dejavu-sans/package.json')), 'files');
    fontFaces = FONT_WEIGHTS.map((weight) => {
      const data = readFileSync(join(files, `dejavu-sans-latin-${weight}-normal.woff2`)).toString('base64');
      return `@font-face { font-family: "DejaVu Sans"; font-style: normal; font-weight: ${weight}; font-display: block; ` +
        `src: url(data:font/woff2;base64,${data}) format("woff2"); }`;
    }).join('\n');
  }
  return fontFaces;
}

/** Chart.js 4's UMD bundle, without its source-map comment, safe inside <script> */
export function chartJsSource(): string {
  if (chartJs === undefined) {
    const dist = dirname(createRequire(import.meta.url).resolve('chart.js'));
    chartJs = readFileSync(join(dist, 'chart.umd.min.js'), 'utf8')
      .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')
      .replace(/<\/script/gi, '<\\/script');
  }
  return chartJs;
}

/**
 * reads the charts from <script id="hvbench-charts" type="application/json"> and draws them once the font is
 * ready (then marks <html data-charts-drawn>), with each bar's tooltip from its dataset's `hvbenchTooltips`
 * (reports/charts/common.ts); sorts `table.sortable` on header click; filters the runs table by text and
 * engine; opens a folded section when a link or the address jumps into it
 */
export const CLIENT_SCRIPT = `
(function () {
  'use strict';
  var configs = JSON.parse(document.getElementById('hvbench-charts').textContent);
  Chart.defaults.font.family = '"DejaVu Sans", system-ui, sans-serif';
  Chart.defaults.color = '#333333';
  Chart.defaults.plugins.tooltip.callbacks.label = function (ctx) {
    var texts = ctx.dataset.hvbenchTooltips;
    return ctx.dataset.label + ': ' + (texts && texts[ctx.dataIndex] ? texts[ctx.dataIndex] : ctx.formattedValue);
  };
  function drawCharts() {
    Object.keys(configs).forEach(function (id) {
      var config = configs[id];
      config.options = Object.assign({}, config.options, { animation: false, responsive: true, maintainAspectRatio: false });
      new Chart(document.getElementById(id), config);
    });
    document.documentElement.setAttribute('data-charts-drawn', '');
  }
  // canvas text does not wait for web fonts: draw once the inlined DejaVu Sans is decoded
  var fonts = document.fonts;
  if (fonts && fonts.load) {
    Promise.all([fonts.load('13px "DejaVu Sans"'), fonts.load('bold 13px "DejaVu Sans"')]).then(drawCharts, drawCharts);
  } else {
    drawCharts();
  }

  function cellKey(row, col) {
    var cell = row.cells[col];
    return cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent.trim();
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.querySelector('button').addEventListener('click', function () {
        var numeric = th.getAttribute('data-type') === 'number';
        var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.map.call(body.rows, function (row, i) { return { row: row, i: i, key: cellKey(row, col) }; });
        rows.sort(function (a, b) {
          if (a.key === '' || b.key === '') return (a.key === '') - (b.key === '') || a.i - b.i;
          var c = numeric ? Number(a.key) - Number(b.key) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
          return c * dir || a.i - b.i;
        });
        rows.forEach(function (r) { body.appendChild(r.row); });
      });
    });
  });

  var search = document.getElementById('runs-search');
  var runsTable = document.getElementById('runs-table');
  function filterRuns() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var off = {};
    Array.prototype.forEach.call(document.querySelectorAll('#runs-filter .engine-toggle'), function (box) { if (!box.checked) off[box.value] = true; });
    var shown = 0;
    Array.prototype.forEach.call(runsTable.tBodies[0].rows, function (row) {
      var text = row.textContent.toLowerCase();
      var visible = !off[row.getAttribute('data-engine')] && words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !visible;
      if (visible) shown++;
    });
    document.getElementById('runs-shown').textContent = shown + ' of ' + runsTable.tBodies[0].rows.length + ' runs';
  }
  if (search && runsTable) {
    search.addEventListener('input', filterRuns);
    Array.prototype.forEach.call(document.querySelectorAll('#runs-filter .engine-toggle'), function (box) { box.addEventListener('change', filterRuns); });
    filterRuns();
  }

  // a jump to a folded section (or into one) opens it first, so the target is there to scroll to
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    for (var el = target; el; el = el.parentElement) if (el.tagName === 'DETAILS') el.open = true;
    var inner = target.querySelector(':scope > details.section');
    if (inner) inner.open = true;
    target.scrollIntoView();
  }
  window.addEventListener('hashchange', openTarget);
  if (location.hash) openTarget();
})();
`;

export const STYLE = `
:root { --fg: #222; --muted: #666; --line: #ddd; --accent: #4e79a7; --bad: #b3261e; --saving: #59a14f; --bg-alt: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "DejaVu Sans", system-ui, sans-serif; color: var(--fg); background: #fff; }
header { background: #1f2d3d; color: #fff; padding: 18px 32px 14px; }
header h1 { margin: 0 0 8px; font-size: 24px; }
header dl { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 0; font-size: 14px; }
header dt { color: #a9b8c8; }
header dd { margin: 0; font-weight: bold; }
header dl div { display: flex; gap: 8px; }
nav { padding: 8px 32px; border-bottom: 1px solid var(--line); font-size: 14px; position: sticky; top: 0; background: #fff; z-index: 1;
  white-space: nowrap; overflow-x: auto; }
nav a { margin-right: 16px; color: var(--accent); text-decoration: none; }
/* the sticky navigation is one line (about 38 px): every jump target lands below it */
[id] { scroll-margin-top: 56px; }
main { padding: 8px 32px 40px; max-width: 1200px; }
table { display: block; max-width: 100%; overflow-x: auto; }
code { overflow-wrap: anywhere; }
p.headline { font-weight: bold; margin: 4px 0 8px; }
ul.headlines li { margin: 2px 0; }
.filter { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; margin: 8px 0; font-size: 14px; }
.filter input[type=search] { font: inherit; padding: 3px 6px; min-width: 0; width: 22em; max-width: 100%; }
.filter label { white-space: nowrap; }
details.section > summary { list-style: none; }
details.section > summary::-webkit-details-marker { display: none; }
details.section > summary h2 { display: block; }
details.section > summary h2::before { content: '▸ '; color: var(--accent); }
details.section[open] > summary h2::before { content: '▾ '; }
figure.chart p.chart-note { color: var(--muted); }
tr.same td { color: var(--muted); }
@media (max-width: 600px) {
  header { padding: 12px; }
  header h1 { font-size: 18px; }
  nav { padding: 6px 12px; font-size: 13px; }
  nav a { margin-right: 10px; }
  main { padding: 4px 12px 24px; }
  h2 { font-size: 19px; }
}
h2 { margin: 28px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { margin: 20px 0 4px; }
h4 { margin: 12px 0 4px; font-size: 15px; }
h5 { margin: 12px 0 2px; font-size: 14px; }
figure.chart { margin: 12px 0 20px; }
figure.chart div { position: relative; width: 100%; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
thead th { background: var(--bg-alt); }
th button { all: unset; cursor: pointer; font-weight: bold; }
th[aria-sort=ascending] button::after { content: ' ▲'; }
th[aria-sort=descending] button::after { content: ' ▼'; }
tr.group th { background: #eef2f6; font-weight: bold; }
tr.total td { border-top: 1px solid #999; font-weight: bold; }
p.note { font-size: 12px; margin: 0 0 8px; max-width: 900px; }
.noisy { color: var(--bad); font-weight: bold; }
.badge { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; background: #edc948; color: #222; margin-left: 4px; vertical-align: middle; }
.failed { color: var(--bad); }
.muted { color: var(--muted); }
.bar { display: inline-block; height: 10px; background: var(--accent); vertical-align: middle; }
.bar.saving { background: var(--saving); }
tr.saving td:first-child code { color: var(--saving); }
tr.total td { font-weight: bold; border-top: 2px solid var(--line); }
article.workload { border-top: 1px solid var(--line); padding-top: 4px; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--accent); }
code { background: var(--bg-alt); padding: 0 4px; border-radius: 3px; }
.how p, .how li { max-width: 900px; }
`;
