// The "Against published measurements" section of an HTML report (a ReportSection, as the power and model-check
// sections are), and the standalone page `validate --out` writes around it.
import { escapeHtml as h } from '../../reports/escape.ts';
import type { ReportSection } from '../../reports/types.ts';
import { describeCase } from './describe.ts';
import type { ValidationReport } from './run.ts';
import { formatBand, formatValue, STATUS_LABEL } from './format-values.ts';

const STATUS_CLASS: Record<string, string> = { pass: 'ok', 'unexpected-pass': 'warn', 'known-outside': 'known', 'no-number': 'none', outside: 'bad', error: 'bad' };

export function validationSection(report: ValidationReport): ReportSection {
  const rows = report.rows.map(({ case: c, result }) => {
    const source = c.source.url ? `<a href="${h(c.source.url)}">${h(c.source.citation)}</a>` : h(c.source.citation);
    const published = c.published === null && c.band === null ? `not found — ${h(c.missing ?? '')}` : h(c.publishedText);
    const band = c.band === null ? '—' : `${h(formatBand(c.band))} ${h(c.unit)}<br><small>${h(c.band.reason)}</small>`;
    const note = result.note && result.status !== 'no-number' ? `<br><small>${h(result.note)}</small>` : '';
    return (
      `<tr><td><code>${h(c.id)}</code><br>${h(c.title)}</td>` +
      `<td>${source}<br><small>${h(c.source.where)}; machine: ${h(c.source.machine)}</small></td>` +
      `<td>${published}</td><td>${band}</td>` +
      `<td><small>${describeCase(c).map(h).join('<br>')}</small></td>` +
      `<td class="num">${h(formatValue(result.value))} ${h(c.unit)}</td>` +
      `<td class="status-${STATUS_CLASS[result.status]}">${h(STATUS_LABEL[result.status])}${note}</td></tr>`
    );
  });
  const html =
    '<p>Each case holds one model value to a published measurement. A band is as wide as the source\'s own spread, or ' +
    'as what differs between the published machine and the profile, and says which; a case known to fall outside its band ' +
    'is listed with what the model lacks. Values come from the measured region only (setup subtracted).</p>' +
    '<table class="counters validation"><thead><tr><th>Case</th><th>Source</th><th>Published</th><th>Band (why)</th>' +
    `<th>Configuration</th><th class="num">Model</th><th>Status</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  return { id: 'validation', title: 'Against published measurements', html, charts: [] };
}

/** a self-contained page holding only the validation section */
export function renderValidationPage(report: ValidationReport): string {
  const section = validationSection(report);
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>hvbench: against published measurements</title>' +
    '<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}' +
    '.num{text-align:right;white-space:nowrap}.status-ok{color:#176f2c}.status-bad{color:#b00020;font-weight:bold}.status-known{color:#8a5a00}' +
    '.status-warn{color:#8a5a00;font-weight:bold}.status-none{color:#666}small{color:#555}</style></head><body>' +
    `<h1>${h(section.title)}</h1>${section.html}<p><small>hvbench ${h(report.toolVersion)}</small></p></body></html>\n`
  );
}
