import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ValidationReport } from '../../../harness/validate/run.ts';
import { formatBand, formatValue } from '../../../harness/validate/format-values.ts';
import { renderValidationJson } from '../../../harness/validate/format-json.ts';
import { renderValidationMarkdown } from '../../../harness/validate/format-md.ts';
import { renderValidationText } from '../../../harness/validate/format-text.ts';
import { renderValidationPage } from '../../../harness/validate/section-html.ts';

const report: ValidationReport = {
  schema: 'hvbench/validation@1',
  toolVersion: '0.0.0',
  rows: [
    {
      case: {
        id: 'a/one', group: 'G | x', title: '<b>title</b>', source: { citation: 'Paper | 2003', where: 'Table 3', machine: 'P4' },
        published: 10, publishedText: '10 µs', unit: 'µs', band: { lo: -Infinity, hi: 12, reason: 'one-sided' }, profile: 'intel-modern',
      },
      result: { id: 'a/one', value: 14, status: 'known-outside', note: 'model lacks <X>' },
    },
    {
      case: {
        id: 'a/two', group: 'G | x', title: 't', source: { citation: 'c', where: 'w', machine: 'm' }, published: null, publishedText: 'not found',
        unit: 'u', band: null, missing: 'searched and not found', profile: 'intel-modern',
      },
      result: { id: 'a/two', value: 3, status: 'no-number', note: 'searched and not found' },
    },
  ],
};

test('values and bands', () => {
  assert.equal(formatValue(4337.85), '4,338');
  assert.equal(formatValue(177.37), '177.4');
  assert.equal(formatValue(1.0322), '1.032');
  assert.equal(formatValue(null), '—');
  assert.equal(formatBand({ lo: 24, hi: 24, reason: '' }), '= 24.00');
  assert.equal(formatBand({ lo: -Infinity, hi: 100, reason: '' }), '≤ 100.0');
  assert.equal(formatBand({ lo: 0, hi: Infinity, reason: '' }), '≥ 0.000');
});

test('JSON writes an open band end as null', () => {
  const parsed = JSON.parse(renderValidationJson(report));
  assert.equal(parsed.rows[0].case.band.lo, null);
  assert.equal(parsed.rows[0].case.band.hi, 12);
});

test('the text table shows the known-outside reason and counts every status', () => {
  const text = renderValidationText(report);
  assert.match(text, /a\/one .* known outside/);
  assert.match(text, /a\/one \(known outside\): model lacks <X>/);
  assert.match(text, /2 cases: 1 known outside, 1 no published number/);
});

test('Markdown escapes cells; HTML escapes every string', () => {
  const md = renderValidationMarkdown(report);
  assert.match(md, /^## Against published measurements/);
  assert.match(md, /Paper \\\| 2003/);
  assert.match(md, /not found: searched and not found/);
  const html = renderValidationPage(report);
  assert.ok(!html.includes('<b>title</b>'));
  assert.match(html, /&lt;b&gt;title&lt;\/b&gt;/);
  assert.match(html, /model lacks &lt;X&gt;/);
});
