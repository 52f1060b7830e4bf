// The Markdown form of a comparison: what a bot posts on a pull request. GitHub-flavoured tables (the power
// section in its own); the quiet timings and the method notes fold into <details> so the comment stays short
// when nothing changed. Every string that comes from a results file or the command line (file names, run
// labels, metric names, versions, profile, notes, the verdict line built from them) is escaped
// (reports/escape.ts): a bot posts this as HTML-capable Markdown.
import { STATUS_ICON, formatDelta, formatDeltaPct, formatThreshold, formatValue, metricCell } from './cells.ts';
import type { Comparison } from './compare.ts';
import { powerLabel, runLabel, subjectLabel } from './match.ts';
import type { AnyRow } from './row.ts';
import { POWER_TABLE_HEADER, TABLE_HEADER, reportSections } from './sections.ts';
import type { Verdict } from './verdict.ts';
import { escapeMarkdownCell as cell, markdownCode as code } from '../../reports/escape.ts';

function table(header: readonly string[], rows: readonly AnyRow[]): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const align = header.map((_, c) => (c >= 3 && c <= 7 ? '---:' : '---'));
  return [
    line(header),
    line(align),
    ...rows.map((r) =>
      line([STATUS_ICON[r.status], cell(subjectLabel(r.run)), code(metricCell(r)), formatValue(r, r.base), formatValue(r, r.head), formatDelta(r), formatDeltaPct(r), formatThreshold(r), cell(r.note ?? '')]),
    ),
  ];
}

export function formatMarkdown(comparison: Comparison, verdict: Verdict): string {
  const { base, head, power } = comparison;
  const sections = reportSections(comparison);
  const out: string[] = ['### hvbench compare', '', `**${cell(verdict.line)}**`, ''];
  out.push(`${code(base.file)} (hvbench ${cell(base.toolVersion)}) → ${code(head.file)} (hvbench ${cell(head.toolVersion)}) · profile ${code(head.profile)} · seed ${head.seed}`, '');
  for (const warning of comparison.warnings) out.push(`> ⚠️ ${cell(warning)}`, '');
  if (sections.changed.length > 0) out.push(...table(TABLE_HEADER, sections.changed), '');
  if (sections.powerChanged.length > 0) out.push('#### Power management', '', ...table(POWER_TABLE_HEADER, sections.powerChanged), '');
  const lists: [string, string[]][] = [
    ['Added runs (only in HEAD)', comparison.added.map(runLabel)],
    ['Removed runs (only in BASE)', comparison.removed.map(runLabel)],
    ['Added power runs (only in HEAD)', power.added.map(powerLabel)],
    ['Removed power runs (only in BASE)', power.removed.map(powerLabel)],
  ];
  for (const [title, labels] of lists) {
    if (labels.length > 0) out.push(`**${title}:** ${labels.map(cell).join(', ')}`, '');
  }
  if (sections.quietTimings.length > 0) {
    out.push(`<details><summary>Timings within noise (${sections.quietTimings.length})</summary>`, '', ...table(TABLE_HEADER, sections.quietTimings), '', '</details>', '');
  }
  const powerRuns = power.runsCompared > 0 ? ` and ${power.runsCompared} power runs` : '';
  out.push(`${sections.identicalCount} values identical across ${comparison.runsCompared} runs${powerRuns}.`, '');
  out.push(...sections.method.map((m) => `<sub>${cell(m)}</sub><br>`));
  return out.join('\n') + '\n';
}
