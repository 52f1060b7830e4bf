// The terminal form of a comparison: aligned columns, worst first.
import { STATUS_ICON, formatDelta, formatDeltaPct, formatThreshold, formatValue } from './cells.ts';
import type { Comparison, MetricRow } from './compare.ts';
import { runLabel } from './match.ts';
import { TABLE_HEADER, reportSections } from './sections.ts';
import type { Verdict } from './verdict.ts';

export function rowCells(row: MetricRow): string[] {
  return [STATUS_ICON[row.status], runLabel(row.run), row.metric, formatValue(row, row.base), formatValue(row, row.head), formatDelta(row), formatDeltaPct(row), formatThreshold(row), row.note ?? ''];
}

/** right-align the numeric columns (Base … Threshold), left-align the rest */
const RIGHT_ALIGNED = new Set([3, 4, 5, 6, 7]);

function table(rows: MetricRow[]): string[] {
  const cells = [TABLE_HEADER.slice(), ...rows.map(rowCells)];
  const widths = TABLE_HEADER.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  return cells.map((r) => r.map((cell, c) => (RIGHT_ALIGNED.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

export function formatText(comparison: Comparison, verdict: Verdict): string {
  const { base, head } = comparison;
  const sections = reportSections(comparison);
  const out: string[] = [`hvbench compare ${base.file} (hvbench ${base.toolVersion}) → ${head.file} (hvbench ${head.toolVersion}), profile ${head.profile}, seed ${head.seed}`];
  for (const warning of comparison.warnings) out.push(`warning: ${warning}`);
  out.push('', verdict.line, '');
  if (sections.changed.length > 0) out.push(...table(sections.changed), '');
  if (sections.quietTimings.length > 0) out.push('Timings within noise:', ...table(sections.quietTimings), '');
  out.push(`${sections.identicalCount} values identical (not shown) across ${comparison.runsCompared} runs.`);
  for (const key of comparison.added) out.push(`added run (only in HEAD): ${runLabel(key)}`);
  for (const key of comparison.removed) out.push(`removed run (only in BASE): ${runLabel(key)}`);
  out.push(...sections.method);
  return out.join('\n') + '\n';
}
