// The parameter scan in every output: report.html's "Parameter sweep" section (a table per scan, then one
// chart per scan and category of the headline metric against the first swept option, the seeds' 95 %
// interval drawn as a bar at each point), summary.md's table and the terminal's.
import type { ChartConfiguration } from 'chart.js';
import type { ResultsFile } from '../../harness/results.ts';
import type { SweepRecord } from '../../harness/sweep.ts';
import type { ReportSection } from '../types.ts';
import { escapeHtml as h, escapeMarkdownCell as cell } from '../escape.ts';
import { color } from '../charts/common.ts';
import { categories } from '../model.ts';
import { sweepAxis, sweepCaption, sweepCurves, sweepTable, sweepTitle } from './model.ts';
import { htmlTable, markdownTable, terminalTable } from '../text-table.ts';

/** the interval bars: the curve's colour, translucent */
const INTERVAL_ALPHA = '66';

function sweepChart(results: ResultsFile, sweep: SweepRecord, category: string): ChartConfiguration | null {
  const axis = sweepAxis(sweep);
  const curves = sweepCurves(results, sweep, category);
  if (!curves.some((c) => c.points.some((p) => p.value !== null))) return null;
  const seeds = results.seeds?.seeds.length;
  const x = sweep.swept[0];
  const datasets = curves.flatMap((curve, i) => {
    const at = axis.map((v) => curve.points.find((p) => String(p.column.values[x]) === v)?.value ?? null);
    const line = {
      type: 'line', label: curve.name, data: at.map((p) => p?.mean ?? null), borderColor: color(i), backgroundColor: color(i), pointRadius: 4,
      hvbenchTooltips: at.map((p) => (p === null ? '' : `×${p.mean.toFixed(3)}` + (seeds ? ` [${p.lo.toFixed(3)}–${p.hi.toFixed(3)}] over ${seeds} seeds` : ''))),
    };
    if (!seeds) return [line];
    const band = {
      type: 'bar', label: `${curve.name}: 95 % interval`, data: at.map((p) => (p === null ? null : [p.lo, p.hi])),
      backgroundColor: color(i) + INTERVAL_ALPHA, borderWidth: 0, barPercentage: 0.15,
      hvbenchTooltips: at.map((p) => (p === null ? '' : `${p.lo.toFixed(3)}–${p.hi.toFixed(3)}`)),
    };
    return [line, band];
  });
  const title = `${category} workloads on ${sweepTitle(sweep)}: geometric mean of engine ÷ native cycles`;
  return {
    type: 'line',
    data: { labels: axis.map((v) => `${x}=${v}`), datasets },
    options: {
      plugins: { title: { display: true, text: title, font: { size: 16, weight: 'bold' } }, legend: { position: 'top' } },
      scales: { y: { type: 'linear', title: { display: true, text: 'engine cycles ÷ native cycles (1 = native)' } } },
    },
  } as ChartConfiguration;
}

/** report.html's scan section; none when the run swept nothing */
export function sweepSections(results: ResultsFile): ReportSection[] {
  const sweeps = results.sweeps ?? [];
  if (sweeps.length === 0) return [];
  return [{
    id: 'sweep',
    title: 'Parameter sweep',
    html: sweeps.map((s) => `<p><b>${h(sweepTitle(s))}</b>: ${h(sweepCaption(results, s))}</p>${htmlTable(sweepTable(results, s))}`).join('\n'),
    charts: sweeps.flatMap((s) => categories(results).flatMap((c) => sweepChart(results, s, c) ?? [])),
  }];
}

/** summary.md's lines for the scans (none without) */
export function sweepMarkdown(results: ResultsFile): string[] {
  return (results.sweeps ?? []).flatMap((sweep) => ['', `**Sweep ${cell(sweepTitle(sweep))}**: ${cell(sweepCaption(results, sweep))}`, '', ...markdownTable(sweepTable(results, sweep))]);
}

/** the terminal's table of each scan, '' without */
export function sweepTerminal(results: ResultsFile): string {
  return (results.sweeps ?? []).map((sweep) => `\nSweep ${sweepTitle(sweep)}: ${sweepCaption(results, sweep)}\n${terminalTable(sweepTable(results, sweep)).join('\n')}\n`).join('');
}
