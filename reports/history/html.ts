// report.html of a history (`hvbench report --history DIR`, reports/history/files.ts): the files oldest
// first, and one trend chart per headline metric — each category's geometric mean of engine ÷ native cycles,
// per engine (reports/side-by-side/trend-charts.ts) — over them, each point named by the version and the time
// that wrote it. Self-contained and offline like every report page.
import { formatCount } from '../format.ts';
import { pageHeader, renderPage } from '../html.ts';
import { chartFigure } from '../html/fragments.ts';
import { escapeHtml as h } from '../escape.ts';
import type { NamedChart } from '../types.ts';
import type { NamedResults } from '../side-by-side/model.ts';
import { inputsTable } from '../side-by-side/html.ts';
import { trendCharts } from '../side-by-side/trend-charts.ts';

/** `3: 0.4.1, 2026-11-30 17:05` */
function pointLabel(f: NamedResults, i: number): string {
  return `${i + 1}: ${f.results.tool.version}, ${f.results.createdAt.slice(0, 16).replace('T', ' ')}`;
}

export function historyCharts(files: readonly NamedResults[]): NamedChart[] {
  return trendCharts(files, files.map(pointLabel));
}

export function renderHistory(dir: string, files: readonly NamedResults[]): string {
  const charts = historyCharts(files);
  const first = files[0].results;
  const last = files[files.length - 1].results;
  const span = `${formatCount(files.length)} results files from hvbench ${first.tool.version} (${first.createdAt}) to ${last.tool.version} (${last.createdAt}).`;
  return renderPage({
    title: `hvbench history: ${dir}`,
    header: pageHeader(`hvbench history: ${dir}`, [
      ['Directory', dir],
      ['Files', formatCount(files.length)],
      ['From', `${first.tool.version}, ${first.createdAt}`],
      ['To', `${last.tool.version}, ${last.createdAt}`],
    ]),
    sections: [
      { id: 'trend', title: 'Headline metric per category over time', body: `<p class="headline">${h(span)}</p>\n${charts.map(chartFigure).join('\n')}` },
      { id: 'inputs', title: 'Results files, oldest first', body: inputsTable(files) },
    ],
    charts,
  });
}
