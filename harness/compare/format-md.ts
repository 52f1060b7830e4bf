// The Markdown form of a comparison: what a bot posts on a pull request. GitHub-flavoured tables; the quiet
// timings and the method notes fold into <details> so the comment stays short when nothing changed.
import { STATUS_ICON, formatDelta, formatDeltaPct, formatThreshold, formatValue } from './cells.ts';
import type { Comparison, MetricRow } from './compare.ts';
import { runLabel } from './match.ts';
import { TABLE_HEADER, reportSections } from './sections.ts';
import type { Verdict } from './verdict.ts';

/** escape what would break a table cell or render as Markdown */
export function mdEscape(text: string): string {
  return text.replace(/([\\`*_[\]|<>])/g, '\\$1').replace(/\n/g, ' ');
}

function table(rows: MetricRow[]): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const align = TABLE_HEADER.map((_, c) => (c >= 3 && c <= 7 ? '---:' : '---'));
  return [
    line(TABLE_HEADER),
    line(align),
    ...rows.map((r) =>
      line([STATUS_ICON[r.status], mdEscape(runLabel(r.run)), `\`${r.metric}\``, formatValue(r, r.base), formatValue(r, r.head), formatDelta(r), formatDeltaPct(r), formatThreshold(r), mdEscape(r.note ?? '')]),
    ),
  ];
}

export function formatMarkdown(comparison: Comparison, verdict: Verdict): string {
  const { base, head } = comparison;
  const sections = reportSections(comparison);
  const out: string[] = ['### hvbench compare', '', `**${verdict.line}**`, ''];
  out.push(`\`${mdEscape(base.file)}\` (hvbench ${base.toolVersion}) → \`${mdEscape(head.file)}\` (hvbench ${head.toolVersion}) · profile \`${head.profile}\` · seed ${head.seed}`, '');
  for (const warning of comparison.warnings) out.push(`> ⚠️ ${mdEscape(warning)}`, '');
  if (sections.changed.length > 0) out.push(...table(sections.changed), '');
  const runLists: [string, typeof comparison.added][] = [
    ['Added runs (only in HEAD)', comparison.added],
    ['Removed runs (only in BASE)', comparison.removed],
  ];
  for (const [title, keys] of runLists) {
    if (keys.length > 0) out.push(`**${title}:** ${keys.map((k) => mdEscape(runLabel(k))).join(', ')}`, '');
  }
  if (sections.quietTimings.length > 0) {
    out.push(`<details><summary>Timings within noise (${sections.quietTimings.length})</summary>`, '', ...table(sections.quietTimings), '', '</details>', '');
  }
  out.push(`${sections.identicalCount} values identical across ${comparison.runsCompared} runs.`, '');
  out.push(...sections.method.map((m) => `<sub>${mdEscape(m)}</sub><br>`));
  return out.join('\n') + '\n';
}
