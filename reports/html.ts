// report.html: one self-contained page (Chart.js and every chart's data inlined, no network) rendered from a
// results file and the chart definitions of reports/charts/. Every user-provided string goes through
// escapeHtml; chart data goes through jsonForScript.
import type { ResultsFile } from '../harness/results.ts';
import { escapeHtml as h, jsonForScript } from './escape.ts';
import { formatOverhead } from './format.ts';
import { categories, comparedEngines, engineLabels, findRun, workloadList } from './model.ts';
import { checkSections, sectionCharts } from './sections.ts';
import type { NamedChart, ReportSection } from './types.ts';
import { CLIENT_SCRIPT, STYLE, chartJsSource, fontFaceCss } from './html/assets.ts';
import { workloadArticle } from './html/drilldown.ts';
import { howToRead } from './html/how-to-read.ts';
import { hvmExitTable } from './html/xen-hvm-vs-kvm.ts';
import { chartFigure, engineBadge } from './html/fragments.ts';
import { anchor, runsTable, workloadAnchor } from './html/runs-table.ts';
import { timingSection } from './html/timing-table.ts';
import { categoryHeadlines } from './headline.ts';

export interface HtmlInput {
  /** the built-in charts (reports/charts/index.ts buildCharts) */
  charts: readonly NamedChart[];
  extraSections: readonly ReportSection[];
}

export interface Section {
  id: string;
  title: string;
  body: string;
  /** long and rarely read first: folded under its heading until opened */
  collapsed?: boolean;
}

/** the page's dark header: a title and label/value pairs, all plain text */
export function pageHeader(title: string, items: readonly [string, string][]): string {
  return `<header><h1>${h(title)}</h1><dl>${items.map(([k, v]) => `<div><dt>${h(k)}</dt><dd>${h(v)}</dd></div>`).join('')}</dl></header>`;
}

function header(results: ResultsFile): string {
  const { host } = results;
  const items: [string, string][] = [
    ['Profile', results.profile],
    ['Seed', String(results.seed)],
    ['Host', `${host.platform}/${host.arch}, ${host.cpus} × ${host.cpuModel}, Node ${host.node}`],
    ['Tool', `${results.tool.name} ${results.tool.version}`],
    ['Created', results.createdAt],
    ['Runs', String(results.runs.length)],
  ];
  return pageHeader('hvbench report: Xen vs KVM vs native', items);
}

function engineList(results: ResultsFile): string {
  const items = results.engines.map((e) => `<li><b>${h(e.label)}</b>${engineBadge(e.mode)}: ${h(e.title)}` +
    (Object.keys(e.options).length ? ` <span class="muted">(${Object.entries(e.options).map(([k, v]) => `${h(k)}=${h(v)}`).join(', ')})</span>` : '') + '</li>');
  return `<ul>${items.join('')}</ul>`;
}

function categoryTable(results: ResultsFile, category: string): string {
  const engines = comparedEngines(results);
  const rows = workloadList(results).filter((w) => w.category === category).map((w) => {
    const cells = engines.map((e) => {
      const run = findRun(results, w.id, e);
      return `<td class="num">${run ? (run.error ? '<span class="failed">failed</span>' : h(formatOverhead(run.overheadPct))) : ''}</td>`;
    });
    return `<tr><td><a href="#${h(workloadAnchor(w.id))}">${h(w.title)}</a> <code>${h(w.id)}</code></td>${cells.join('')}</tr>`;
  });
  return `<table><thead><tr><th>Workload</th>${engines.map((e) => `<th class="num">${h(e)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function sections(results: ResultsFile, input: HtmlInput): Section[] {
  const figures = (group: NamedChart['group']) => input.charts.filter((c) => c.group === group).map(chartFigure).join('\n');
  const hvm = hvmExitTable(results);
  const headlines = categoryHeadlines(results);
  const headline = (category: string) => headlines.filter((x) => x.category === category).map((x) => `<p class="headline">${h(x.text)}</p>`).join('');
  const headlineList = headlines.length > 0
    ? `<ul class="headlines">${headlines.map((x) => `<li><a href="#${h(anchor('cat-', x.category))}">${h(x.category)}</a>: ${h(x.text)}</li>`).join('')}</ul>`
    : '';
  const out: Section[] = [
    { id: 'overview', title: 'Overhead', body: `${headlineList}\n${figures('overhead')}\n${engineList(results)}` },
    { id: 'how-to-read', title: 'How to read this', body: `<div class="how">${howToRead(results)}</div>` },
    ...(hvm ? [{ id: 'xen-hvm-vs-kvm', title: 'Xen HVM beside KVM', body: hvm }] : []),
    { id: 'runs', title: 'All runs', body: `${runsFilter(engineLabels(results))}<p class="muted">Click a column header to sort.</p>${runsTable(results)}` },
  ];
  for (const category of categories(results)) {
    const articles = workloadList(results).filter((w) => w.category === category).map((w) => workloadArticle(results, w));
    const charts = (group: NamedChart['group']) => input.charts.filter((c) => c.group === group && c.category === category).map(chartFigure).join('\n');
    out.push({
      id: anchor('cat-', category), title: `${category} workloads`,
      body: `${headline(category)}\n${charts('category')}\n${categoryTable(results, category)}\n${charts('attribution')}\n${articles.join('\n')}`,
    });
  }
  out.push({ id: 'simulation-cost', title: 'Simulation cost (host wall-clock)', body: timingSection(results), collapsed: true });
  out.push({ id: 'counters', title: 'Exits, hypercalls and TLB flushes', body: figures('counters'), collapsed: true });
  for (const s of input.extraSections) out.push({ id: s.id, title: s.title, body: `${s.html}\n${sectionCharts(s).map(chartFigure).join('\n')}` });
  return out;
}

/** a section; a collapsed one is a <details> whose summary is the heading (opened when its anchor is followed) */
function section(s: Section): string {
  if (!s.collapsed) return `<section id="${h(s.id)}">\n<h2>${h(s.title)}</h2>\n${s.body}\n</section>`;
  return `<section id="${h(s.id)}">\n<details class="section"><summary><h2>${h(s.title)}</h2></summary>\n${s.body}\n</details>\n</section>`;
}

/** the filter box and one toggle per engine of the table `#runs-table` (the client script applies them) */
export function runsFilter(engines: readonly string[]): string {
  const toggles = engines.map((e) => `<label><input type="checkbox" class="engine-toggle" value="${h(e)}" checked> ${h(e)}</label>`).join('');
  return `<div class="filter" id="runs-filter"><input type="search" id="runs-search" placeholder="Filter runs (workload, engine, mechanism…)" aria-label="Filter runs">` +
    `<span class="toggles">${toggles}</span> <span class="muted" id="runs-shown"></span></div>`;
}

export function renderHtml(results: ResultsFile, input: HtmlInput): string {
  checkSections(input.extraSections);
  const engines = engineLabels(results).join(', ');
  return renderPage({
    title: `hvbench report: ${engines} (profile ${results.profile}, seed ${results.seed})`,
    header: header(results),
    sections: sections(results, input),
    charts: [...input.charts, ...input.extraSections.flatMap(sectionCharts)],
  });
}

export interface Page {
  /** plain text */
  title: string;
  /** escaped HTML of the page's <header> */
  header: string;
  sections: readonly Section[];
  /** every chart the sections' figures draw */
  charts: readonly NamedChart[];
}

/** the self-contained page around the sections: style, font, sticky navigation, Chart.js and the client script */
export function renderPage(page: Page): string {
  const configs: Record<string, unknown> = {};
  for (const chart of page.charts) if (chart.omitted === undefined) configs[`chart-${chart.id}`] = chart.config;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; font-src data:">
<title>${h(page.title)}</title>
<style>${fontFaceCss()}
${STYLE}</style>
</head>
<body>
${page.header}
<nav>${page.sections.map((s) => `<a href="#${h(s.id)}">${h(s.title)}</a>`).join('')}</nav>
<main>
${page.sections.map(section).join('\n')}
</main>
<script type="application/json" id="hvbench-charts">${jsonForScript(configs)}</script>
<script>${chartJsSource()}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
