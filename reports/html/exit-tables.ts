// A workload's exit tables (`perf kvm stat report` style) and hypercall tables (`xenalyze --summary` style) in
// report.html's drill-down: one table per engine that has any.
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import { escapeHtml as h } from '../escape.ts';
import { exitTable, hypercallTable, isAmdRun, LATENCY_STATS, type ExitLatency } from '../exit-table.ts';
import { formatCount, formatPercent, formatStat } from '../format.ts';
import { engineBadge } from './fragments.ts';

const LATENCY_HEADS: Record<(typeof LATENCY_STATS)[number], string> = {
  min: 'Min', max: 'Max', avg: 'Avg', rsePct: '± RSE', p5: 'p5', p50: 'p50', p95: 'p95',
};

const num = (text: string) => `<td class="num">${text}</td>`;

function latencyCells(latency: ExitLatency | null, stats: readonly (typeof LATENCY_STATS)[number][]): string {
  return stats.map((s) => {
    const v = latency?.[s];
    if (v === undefined) return num('');
    return num(s === 'rsePct' ? `± ${h(formatPercent(v))}` : h(formatStat(v)));
  }).join('');
}

function exitsHtml(results: ResultsFile, run: RunResult): string {
  const table = exitTable([run], isAmdRun(results, run));
  if (table.rows.length === 0) return '';
  const amd = table.svmColumn;
  const stats = LATENCY_STATS.filter((s) => table.rows.some((r) => r.latency?.[s] !== undefined));
  const heads = [table.traps ? 'Trap / exit' : 'VM-exit reason', ...(amd ? ['SVM exit'] : []), 'Samples', 'Samples %', 'Time %', ...stats.map((s) => LATENCY_HEADS[s])];
  const rows = table.rows.map((r) => `<tr><td><code>${h(r.reason)}</code></td>` +
    (amd ? `<td>${r.svm ? `<code>${h(r.svm.name)}</code> <span class="muted">${h(r.svm.code)}</span>` : '<span class="muted">none</span>'}</td>` : '') +
    num(formatCount(r.samples)) + num(h(formatPercent(r.samplesPct))) + num(r.timePct === null ? '—' : h(formatPercent(r.timePct))) +
    latencyCells(r.latency, stats) + '</tr>');
  const totalRow = `<tr class="total"><td>Total</td>${amd ? '<td></td>' : ''}${num(formatCount(table.total))}${num('100.00 %')}` +
    `${num(table.timeSource ? '100.00 %' : '—')}${stats.map(() => num('')).join('')}</tr>`;
  const notes = [
    table.timeSource === 'attribution' ? 'Time %: cycles charged under <code>exit:&lt;reason&gt;</code>: the exit round trip, plus the in-kernel handler unless the engine names it separately (e.g. <code>ept-violation</code>); device-model work is under <code>device-model</code>.' : '',
    table.timeSource === 'latency' ? 'Time %: samples × average latency as measured.' : '',
    table.timeSource === null ? 'Time %: not known for this run (no per-reason exit time in the results).' : '',
    table.latencyUnit !== null ? `Latency in ${h(table.latencyUnit)}, as measured.` : '',
  ].filter(Boolean).join(' ');
  const title = table.traps ? 'Traps into the hypervisor (xenalyze names)' : 'VM exits';
  return `<h5>${title}: ${h(run.engine)}${engineBadge(run.mode)}</h5>` +
    `<table class="exits"><thead><tr>${heads.map((t, i) => `<th${i >= (amd ? 2 : 1) ? ' class="num"' : ''}>${h(t)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}${totalRow}</tbody></table><p class="muted note">${notes}</p>`;
}

function hypercallsHtml(run: RunResult): string {
  const table = hypercallTable([run]);
  if (table.rows.length === 0) return '';
  const rows = table.rows.map((r) => `<tr><td><code>${h(r.op)}</code></td>${num(formatCount(r.count))}${num(h(formatPercent(r.sharePct)))}</tr>`);
  return `<h5>Hypercalls: ${h(run.engine)}${engineBadge(run.mode)}</h5>` +
    `<table class="hypercalls"><thead><tr><th>Hypercall</th><th class="num">Count</th><th class="num">Share</th></tr></thead>` +
    `<tbody>${rows.join('')}<tr class="total"><td>Total</td>${num(formatCount(table.total))}${num('100.00 %')}</tr></tbody></table>`;
}

/** the exit and hypercall tables of a workload's runs, or '' when none of them has exits or hypercalls */
export function exitTablesHtml(results: ResultsFile, runs: readonly RunResult[]): string {
  const parts = runs.filter((r) => !r.error).flatMap((r) => [exitsHtml(results, r), hypercallsHtml(r)]).filter(Boolean);
  if (parts.length === 0) return '';
  return `<details class="exit-tables"><summary>VM exits and traps (perf kvm stat style) and hypercalls (xenalyze style)</summary>\n${parts.join('\n')}\n</details>`;
}
