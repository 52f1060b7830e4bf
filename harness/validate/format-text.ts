// `hvbench validate`'s terminal output: one line per case under its group, then what each known-outside,
// failing or unnumbered case lacks, and the verdict line.
import type { ValidationReport } from './run.ts';
import { formatBand, formatValue, STATUS_LABEL } from './format-values.ts';

function pad(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}

function padLeft(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

export function renderValidationText(report: ValidationReport): string {
  const idWidth = Math.max(...report.rows.map((r) => r.case.id.length));
  const lines: string[] = [];
  let group = '';
  for (const { case: c, result } of report.rows) {
    if (c.group !== group) {
      group = c.group;
      lines.push('', group);
    }
    lines.push(
      `  ${pad(c.id, idWidth)}  published ${padLeft(formatValue(c.published), 9)}  band ${pad(formatBand(c.band), 20)}` +
        `  model ${padLeft(formatValue(result.value), 9)} ${pad(c.unit, 22)} ${STATUS_LABEL[result.status]}`,
    );
  }
  const notes = report.rows.filter((r) => r.result.note !== undefined && r.result.status !== 'no-number');
  if (notes.length > 0) {
    lines.push('', 'Outside their band, and why:');
    for (const { case: c, result } of notes) lines.push(`  ${c.id} (${STATUS_LABEL[result.status]}): ${result.note}`);
  }
  const counts = new Map<string, number>();
  for (const { result } of report.rows) counts.set(result.status, (counts.get(result.status) ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `${n} ${STATUS_LABEL[status as keyof typeof STATUS_LABEL]}`).join(', ');
  lines.push('', `${report.rows.length} cases: ${summary}`, '');
  return lines.join('\n');
}
