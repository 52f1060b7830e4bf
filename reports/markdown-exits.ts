// summary.md's compact exit and hypercall sections, folded in <details> so a pull-request comment stays short: per engine, its exits over every workload as
// `perf kvm stat report` lists them (Samples, Samples %, Time %; the SVM name beside the VMX one on AMD), and
// its hypercalls by op with their share as `xenalyze --summary` does. Latency statistics of measured runs are
// per run and stay in report.html.
import type { ResultsFile, RunResult } from '../harness/results.ts';
import { escapeMarkdownCell as cell } from './escape.ts';
import { exitTable, hypercallTable, isAmdRun } from './exit-table.ts';
import { formatCount, formatPercent } from './format.ts';
import { engineLabels } from './model.ts';

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(header: string[], numericFrom: number, rows: string[][]): string[] {
  return [row(header), row(header.map((_, i) => (i >= numericFrom ? '---:' : '---'))), ...rows.map(row)];
}

function engineRuns(results: ResultsFile): { engine: string; runs: RunResult[] }[] {
  return engineLabels(results).map((engine) => ({ engine, runs: results.runs.filter((r) => r.engine === engine && !r.error) }));
}

export function exitSections(results: ResultsFile): string[] {
  const lines: string[] = [];
  const withExits = engineRuns(results).filter((e) => e.runs.some((r) => r.exits.total > 0));
  if (withExits.length > 0) lines.push('', '<details><summary>VM exits and traps by reason (all workloads, as <code>perf kvm stat report</code>)</summary>');
  for (const { engine, runs } of withExits) {
    const t = exitTable(runs, runs.some((r) => isAmdRun(results, r)));
    const amd = t.svmColumn;
    const header = [t.traps ? 'Trap / exit' : 'Event', ...(amd ? ['SVM exit'] : []), 'Samples', 'Samples %', 'Time %'];
    const rows = t.rows.map((r) => [
      cell(r.reason), ...(amd ? [r.svm ? cell(r.svm.name) : 'none'] : []), formatCount(r.samples), formatPercent(r.samplesPct),
      r.timePct === null ? '—' : formatPercent(r.timePct),
    ]);
    lines.push('', `**${cell(engine)}**: ${formatCount(t.total)} ${t.traps ? 'traps into the hypervisor (xenalyze names)' : 'exits'}`, '', ...table(header, amd ? 2 : 1, rows));
  }
  if (withExits.length > 0) lines.push('', '</details>');
  const withCalls = engineRuns(results).filter((e) => e.runs.some((r) => r.hypercalls.total > 0));
  if (withCalls.length > 0) lines.push('', '<details><summary>Hypercalls by op (all workloads, as <code>xenalyze --summary</code>)</summary>');
  for (const { engine, runs } of withCalls) {
    const t = hypercallTable(runs);
    const rows = t.rows.map((r) => [cell(r.op), formatCount(r.count), formatPercent(r.sharePct)]);
    lines.push('', `**${cell(engine)}**: ${formatCount(t.total)} hypercalls`, '', ...table(['Hypercall', 'Count', 'Share'], 1, rows));
  }
  if (withCalls.length > 0) lines.push('', '</details>');
  return lines;
}
