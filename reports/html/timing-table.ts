// report.html's "Simulation cost" section: the `timing` block of every run as a sortable table, labelled as
// what it is — the host's wall-clock time to simulate the run (or run it, for measured engines), not a result
// of the model. Runs whose mean is too uncertain (reports/timing.ts NOISY_RME) are marked.
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import { escapeHtml as h } from '../escape.ts';
import { formatMs, formatPercent } from '../format.ts';
import { isNoisy, NOISY_RME, timingSummary, unrepresentativeTimings } from '../timing.ts';
import { ENGINE_COLUMN, sortableRunsTable, WORKLOAD_COLUMN, type Column } from './runs-table.ts';

const ms = (title: string, pick: (t: NonNullable<RunResult['timing']>) => number): Column => ({
  title, numeric: true, cell: (r) => (r.timing ? { html: h(formatMs(pick(r.timing))), sort: String(pick(r.timing)) } : { html: '', sort: '' }),
});

const COLUMNS: Column[] = [
  WORKLOAD_COLUMN,
  ENGINE_COLUMN,
  ms('Mean', (t) => t.meanMs),
  {
    title: '± rme', numeric: true,
    cell: (r) => {
      if (!r.timing) return { html: '', sort: '' };
      const text = `± ${h(formatPercent(r.timing.rme, 1))}`;
      return { html: isNoisy(r.timing) ? `<span class="noisy" title="relative margin of error above ${NOISY_RME} %: the mean is uncertain">${text} noisy</span>` : text, sort: String(r.timing.rme) };
    },
  },
  ms('p75', (t) => t.p75Ms),
  ms('p99', (t) => t.p99Ms),
  { title: 'Samples', numeric: true, cell: (r) => (r.timing ? { html: String(r.timing.samples), sort: String(r.timing.samples) } : { html: '', sort: '' }) },
];

export function timingSection(results: ResultsFile): string {
  const summary = timingSummary(results);
  if (summary.runs === 0) return '<p class="muted">No run has timing statistics.</p>';
  const noisy = summary.noisy.length === 0
    ? `Every mean is known to within ±${NOISY_RME} % (95 % confidence).`
    : summary.noisy.length === summary.runs
      ? `<span class="noisy">All ${summary.runs} runs are noisy</span> (relative margin of error above ${NOISY_RME} %): the host was busy or the runs too short; compare counters, not these timings.`
      : `<span class="noisy">${summary.noisy.length} of ${summary.runs} runs are noisy</span> (relative margin of error above ${NOISY_RME} %): compare their timings with care.`;
  return `<p class="timing-note"><b>Host wall-clock, not model output.</b> How long this host (${h(results.host.cpuModel)}) took to ` +
    `simulate each pair — or, for <span class="badge">measured</span> engines, to run it — by tinybench: mean ± relative margin ` +
    `of error (95 % Student t), p75, p99 and the number of samples. The overhead, exits and cycles above do not depend on it. ` +
    `${noisy}</p>\n${unrepresentativeTimings(results).map((u) => `<p class="timing-note"><span class="noisy">${h(u.engine)}'s timings are not representative</span>: ${h(u.note)}.</p>\n`).join('')}${sortableRunsTable(results, 'timing-table', COLUMNS, (r) => r.timing !== null)}`;
}
