// The terminal form of a comparison: aligned columns, worst first; the power section in its own table.
import { STATUS_ICON, formatDelta, formatDeltaPct, formatThreshold, formatValue, metricCell } from './cells.ts';
import type { Comparison } from './compare.ts';
import { powerLabel, runLabel, subjectLabel } from './match.ts';
import type { AnyRow } from './row.ts';
import { POWER_TABLE_HEADER, TABLE_HEADER, reportSections } from './sections.ts';
import type { Verdict } from './verdict.ts';

export function rowCells(row: AnyRow): string[] {
  return [STATUS_ICON[row.status], subjectLabel(row.run), metricCell(row), formatValue(row, row.base), formatValue(row, row.head), formatDelta(row), formatDeltaPct(row), formatThreshold(row), row.note ?? ''];
}

/** right-align the numeric columns (Base … Threshold), left-align the rest */
const RIGHT_ALIGNED = new Set([3, 4, 5, 6, 7]);

function table(header: readonly string[], rows: readonly AnyRow[]): string[] {
  const cells = [header.slice(), ...rows.map(rowCells)];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  return cells.map((r) => r.map((cell, c) => (RIGHT_ALIGNED.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

export function formatText(comparison: Comparison, verdict: Verdict): string {
  const { base, head, power } = comparison;
  const sections = reportSections(comparison);
  const out: string[] = [`hvbench compare ${base.file} (hvbench ${base.toolVersion}) → ${head.file} (hvbench ${head.toolVersion}), profile ${head.profile}, seed ${head.seed}`];
  for (const warning of comparison.warnings) out.push(`warning: ${warning}`);
  out.push('', verdict.line, '');
  if (sections.changed.length > 0) out.push(...table(TABLE_HEADER, sections.changed), '');
  if (sections.powerChanged.length > 0) out.push('Power:', ...table(POWER_TABLE_HEADER, sections.powerChanged), '');
  if (sections.quietTimings.length > 0) out.push('Timings within noise:', ...table(TABLE_HEADER, sections.quietTimings), '');
  const powerRuns = power.runsCompared > 0 ? ` and ${power.runsCompared} power runs` : '';
  out.push(`${sections.identicalCount} values identical (not shown) across ${comparison.runsCompared} runs${powerRuns}.`);
  for (const key of comparison.added) out.push(`added run (only in HEAD): ${runLabel(key)}`);
  for (const key of comparison.removed) out.push(`removed run (only in BASE): ${runLabel(key)}`);
  for (const key of power.added) out.push(`added power run (only in HEAD): ${powerLabel(key)}`);
  for (const key of power.removed) out.push(`removed power run (only in BASE): ${powerLabel(key)}`);
  out.push(...sections.method);
  return out.join('\n') + '\n';
}
