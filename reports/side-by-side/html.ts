// report.html for several results files: which files, what changed between the first and the last per
// (workload, engine) run — overhead in each file, the change in points and in cycles, the mechanism that moved
// most and the counters that differ — and, per category, a trend chart of its headline metric over the files.
import { escapeHtml as h } from '../escape.ts';
import { formatCount, formatOverhead, formatSignedCount } from '../format.ts';
import { pageHeader, renderPage, runsFilter, type Section } from '../html.ts';
import { chartFigure } from '../html/fragments.ts';
import type { NamedChart } from '../types.ts';
import { runDeltas, type NamedResults, type RunDelta } from './model.ts';
import { trendCharts } from './trend-charts.ts';

/** +1.2 / −1.2 with a true minus sign and a unit */
function signed(n: number, digits: number, unit: string): string {
  return `${n < 0 ? '−' : '+'}${Math.abs(n).toFixed(digits)} ${unit}`;
}

/** one row per file: its number, name, profile, seed, version, creation time, runs and engines */
export function inputsTable(files: readonly NamedResults[]): string {
  const rows = files.map(({ name, results }, i) => `<tr><td class="num">${i + 1}</td><td><code>${h(name)}</code></td><td>${h(results.profile)}</td>` +
    `<td class="num">${h(results.seed)}</td><td>${h(results.tool.version)}</td><td>${h(results.createdAt)}</td><td class="num">${formatCount(results.runs.length)}</td>` +
    `<td>${h(results.engines.map((e) => e.label).join(', '))}</td></tr>`);
  return `<table><thead><tr><th class="num">#</th><th>File</th><th>Profile</th><th class="num">Seed</th><th>Version</th><th>Created</th><th class="num">Runs</th><th>Engines</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`;
}

/** a sortable cell: its HTML and its sort key ('' sorts last) */
function td(html: string, sort: string, numeric: boolean): string {
  return `<td${numeric ? ' class="num"' : ''} data-sort="${h(sort)}">${html}</td>`;
}

function deltaRow(d: RunDelta): string {
  const first = d.runs[0];
  const last = d.runs[d.runs.length - 1];
  const overheads = d.runs.map((r) => (r === undefined ? td('<span class="muted">not run</span>', '', true)
    : r.error ? td('<span class="failed">failed</span>', '', true)
      : td(h(formatOverhead(r.overheadPct)), r.overheadPct === null ? '' : String(r.overheadPct), true)));
  const cycles = (r: typeof first) => (r && !r.error ? td(formatCount(r.cycles.total), String(r.cycles.total), true) : td('', '', true));
  const what = [
    ...(d.mechanism ? [`<code>${h(d.mechanism.name)}</code> ${d.mechanism.cycles > 0 ? '+' : ''}${h(formatSignedCount(d.mechanism.cycles))} cycles`] : []),
    ...d.counters.map((c) => h(c)),
  ].join('; ');
  return `<tr data-engine="${h(d.engine)}"${d.changed ? '' : ' class="same"'}>` +
    td(`<code>${h(d.workload)}</code>`, d.workload, false) + td(h(d.engine), d.engine, false) + overheads.join('') +
    td(d.overheadPts === null ? '' : h(signed(d.overheadPts, 1, 'pts')), d.overheadPts === null ? '' : String(d.overheadPts), true) +
    cycles(first) + cycles(last) +
    td(d.cyclesPct === null ? '' : h(signed(d.cyclesPct, 2, '%')), d.cyclesPct === null ? '' : String(d.cyclesPct), true) +
    td(d.changed ? what || '<span class="muted">ran in one of the two, or failed</span>' : '<span class="muted">unchanged</span>', d.changed ? '1' : '0', false) + '</tr>';
}

function deltasTable(files: readonly NamedResults[], deltas: readonly RunDelta[]): string {
  const n = files.length;
  const heads: [string, boolean][] = [
    ['Workload', false], ['Engine', false], ...files.map((_, i): [string, boolean] => [`Overhead #${i + 1}`, true]),
    [`Δ overhead #${n}−#1`, true], ['Cycles #1', true], [`Cycles #${n}`, true], [`Δ cycles`, true], ['What moved most', false],
  ];
  const head = heads.map(([t, num]) => `<th${num ? ' class="num" data-type="number"' : ''}><button type="button">${h(t)}</button></th>`).join('');
  return `<table class="sortable" id="runs-table"><thead><tr>${head}</tr></thead><tbody>\n${deltas.map(deltaRow).join('\n')}\n</tbody></table>`;
}

function changeSummary(files: readonly NamedResults[], deltas: readonly RunDelta[]): string {
  const changed = deltas.filter((d) => d.changed);
  const largest = changed.filter((d) => d.overheadPts !== null).sort((a, b) => Math.abs(b.overheadPts!) - Math.abs(a.overheadPts!) || (a.workload < b.workload ? -1 : 1))[0];
  const profiles = new Set(files.map((f) => f.results.profile));
  return `<p class="headline">${formatCount(changed.length)} of ${formatCount(deltas.length)} runs differ between #1 and #${files.length}` +
    (largest ? `; the largest overhead change: <code>${h(largest.workload)}</code> on ${h(largest.engine)}, ${h(signed(largest.overheadPts!, 1, 'points'))}` : '') + '.</p>' +
    (profiles.size > 1 ? `<p class="note">The files use different profiles (${h([...profiles].join(', '))}): cycle counts differ by the profile's costs as well as by the code.</p>` : '');
}

export interface SideBySideOptions {
  /** `compare`'s one-line verdict, shown above the changes */
  verdict?: string;
}

export function renderSideBySide(files: readonly NamedResults[], options: SideBySideOptions = {}): string {
  const deltas = runDeltas(files);
  const charts: NamedChart[] = trendCharts(files);
  const engines = [...new Set(deltas.map((d) => d.engine))];
  const sections: Section[] = [
    { id: 'inputs', title: 'Results files', body: inputsTable(files) },
    {
      id: 'changes', title: `What changed (#${files.length} against #1)`,
      body: `${options.verdict !== undefined ? `<p class="headline verdict">${h(options.verdict)}</p>` : ''}${changeSummary(files, deltas)}${runsFilter(engines)}<p class="muted">Click a column header to sort; sort by the last column to bring the changed runs together.</p>${deltasTable(files, deltas)}`,
    },
    { id: 'trend', title: 'Headline metric per category, file by file', body: charts.map(chartFigure).join('\n') },
  ];
  return renderPage({
    title: `hvbench: ${files.length} results side by side`,
    header: pageHeader(`hvbench: ${files.length} results side by side`, [
      ['Files', files.map((f) => f.name).join(' · ')],
      ['Runs', formatCount(deltas.length)],
      ['Changed', formatCount(deltas.filter((d) => d.changed).length)],
    ]),
    sections,
    charts,
  });
}
