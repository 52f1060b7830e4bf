// summary.md: a Markdown table fit for a pull request — per workload the overhead of each engine against
// native, and the mechanisms that cause most of it — then one line on the simulation's wall-clock cost, and
// compact exit and hypercall tables (reports/markdown-exits.ts).
import { modelCheckMarkdown } from './model-check/text.ts';
import type { ResultsFile } from '../harness/results.ts';
import { escapeMarkdownCell as cell, markdownCode as code } from './escape.ts';
import { exitSections } from './markdown-exits.ts';
import { NOISY_RME, timingSummary, unrepresentativeTimings } from './timing.ts';
import { comparedEngines, findRun, overheadBreakdown, workloadList } from './model.ts';
import { cyclesPerOp, formatPerOp } from './per-op.ts';
import { energyLine } from './energy.ts';
import { sweepMarkdown } from './sweep/section.ts';
import { seedsMarkdown } from './seeds/section.ts';
import { categoryHeadlines } from './headline.ts';
import type { WorkloadInfo } from '../harness/results.ts';
import { PERCENT_DECIMALS, formatMeasure, formatOverhead, formatPercent, formatSignedPct } from './format.ts';

/** costs and savings named per engine; the rest folds into "other mechanisms", so the shares sum to 100 % */
const TOP = 2;

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function renderMarkdown(results: ResultsFile): string {
  const engines = comparedEngines(results);
  const measured = new Set(results.runs.filter((r) => r.mode === 'measured').map((r) => r.engine));
  const header = ['Workload', ...engines.map((e) => cell(e) + (measured.has(e) ? ' (measured)' : '')), 'Cycles per operation', 'Energy at P0', 'Top mechanisms'];
  const lines = [
    '## hvbench summary',
    '',
    `Overhead against native (cycles of the measured phase; setup is in results.json), profile ${code(results.profile)}, seed ${results.seed}, ` +
      `hvbench ${cell(results.tool.version)}, ${results.runs.length} runs.`,
    '',
    ...categoryHeadlines(results).flatMap((x, i, all) => [`- **${cell(x.category)}**: ${cell(x.text)}`, ...(i === all.length - 1 ? [''] : [])]),
    row(header),
    row(header.map((_, i) => (i === 0 || i >= header.length - 3 ? '---' : '---:'))),
  ];
  for (const w of workloadList(results)) {
    const overheads = engines.map((e) => {
      const run = findRun(results, w.id, e);
      if (!run) return '';
      return run.error ? 'failed' : formatOverhead(run.overheadPct, PERCENT_DECIMALS);
    });
    const why = engines.flatMap((e) => {
      const run = findRun(results, w.id, e);
      const breakdown = run && !run.error ? overheadBreakdown(run, TOP) : null;
      return breakdown ? [`${cell(e)}: ${breakdown.rows.map((m) => `${cell(m.mechanism)} ${formatSignedPct(m.pct)}`).join(', ')}`] : [];
    });
    lines.push(row([cell(w.id), ...overheads, perOpCell(results, w, ['native', ...engines]), cell(energyLine(results, w.id, ['native', ...engines])), why.join('; ')]));
  }
  lines.push(...sweepMarkdown(results), ...seedsMarkdown(results));
  lines.push('', timingLine(results));
  const failed = results.runs.filter((r) => r.error);
  if (failed.length > 0) {
    lines.push('', '**Failed runs**', '');
    for (const r of failed) lines.push(`- ${cell(r.workload)} on ${cell(r.engine)}: ${cell(r.error)}`);
  }
  lines.push(...exitSections(results));
  lines.push(...modelCheckMarkdown(results));
  return lines.join('\n') + '\n';
}

/** `cycles per cpuid: native 150, xen 1,400, kvm 1,776` (kvm-unit-tests style), '' when the workload names no operation */
function perOpCell(results: ResultsFile, w: WorkloadInfo, engines: string[]): string {
  if (!w.perOp) return '';
  const values = engines.flatMap((e) => {
    const cycles = cyclesPerOp(w, findRun(results, w.id, e));
    return cycles === null ? [] : [`${cell(e)} ${formatPerOp(results, cycles)}`];
  });
  return values.length > 0 ? `cycles per ${cell(w.perOp.unit)}: ${values.join(', ')}` : '';
}

/** host wall-clock cost of the run, kept apart from the model's numbers; noisy runs named, at most three */
export function timingLine(results: ResultsFile): string {
  const t = timingSummary(results);
  if (t.runs === 0 || !t.slowest) return 'Simulation cost (host wall-clock, not model output): no timings.';
  const slowest = `slowest ${cell(t.slowest.run.workload)} on ${cell(t.slowest.run.engine)} ${formatMeasure(t.slowest.timing.meanMs)} ms ± ${formatPercent(t.slowest.timing.rme, PERCENT_DECIMALS)}`;
  const noisy = t.noisy.length === 0
    ? `every mean within ±${NOISY_RME} %`
    : t.noisy.length === t.runs
      ? `⚠ all ${t.runs} noisy (rme > ${NOISY_RME} %): compare counters, not these timings`
      : `⚠ ${t.noisy.length} noisy (rme > ${NOISY_RME} %): ` +
      t.noisy.slice(0, 3).map((n) => `${cell(n.run.workload)} on ${cell(n.run.engine)} ± ${formatPercent(n.timing.rme, PERCENT_DECIMALS)}`).join(', ') +
      (t.noisy.length > 3 ? `, … ${t.noisy.length - 3} more` : '');
  const meaningless = unrepresentativeTimings(results).map((u) => ` ⚠ ${cell(u.engine)}'s timings are not representative: ${cell(u.note)}.`).join('');
  return `Simulation cost (host wall-clock, not model output): ${t.runs} runs, ${formatMeasure(t.totalMeanMs)} ms in all (sum of means); ${slowest}; ${noisy}.${meaningless}`;
}
