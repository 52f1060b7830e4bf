// The "Against published measurements" section as Markdown: every case with its source, the published figure
// as stated, the band and why, the configuration, the model's value and the verdict, then the reasons.
import { escapeMarkdownCell as md } from '../../reports/escape.ts';
import { describeCase } from './describe.ts';
import type { ValidationReport } from './run.ts';
import { formatBand, formatValue, STATUS_LABEL } from './format-values.ts';

export function renderValidationMarkdown(report: ValidationReport): string {
  const out = [
    '## Against published measurements',
    '',
    'Each case holds one model value to a published measurement. A band is as wide as the source\'s own spread, or as ' +
      'what differs between the published machine and the profile, and says which; a case known to fall outside its ' +
      'band is listed with what the model lacks. Values come from the measured region only (setup subtracted).',
    '',
    '| Case | Source | Published | Band (why) | Configuration | Model | Status |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { case: c, result } of report.rows) {
    const source = `${c.source.citation}; ${c.source.where}; machine: ${c.source.machine}`;
    const published = c.published === null && c.band === null ? `not found: ${c.missing ?? ''}` : c.publishedText;
    const band = c.band === null ? '—' : `${formatBand(c.band)} ${c.unit} (${c.band.reason})`;
    const status = STATUS_LABEL[result.status] + (result.note && result.status !== 'no-number' ? `: ${result.note}` : '');
    out.push(
      `| ${md(c.id)}<br>${md(c.title)} | ${md(source)} | ${md(published)} | ${md(band)} | ${md(describeCase(c).join(' · '))} | ` +
        `${md(formatValue(result.value))} ${md(c.unit)} | ${md(status)} |`,
    );
  }
  out.push('');
  return out.join('\n');
}
