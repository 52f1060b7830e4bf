import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMeasure, formatOverhead, roundForPeople } from '../../reports/format.ts';

test('roundForPeople: counts exact, cycles whole, percentages to 2 decimals, measures to 4 significant figures', () => {
  assert.equal(roundForPeople('count', 12_345_678_901), 12_345_678_901);
  assert.equal(roundForPeople('cycles', 12_500_000_000.000086), 12_500_000_000);
  assert.equal(roundForPeople('percent', 100.00000000000068), 100);
  assert.equal(roundForPeople('percent', 0.023381124819215452), 0.02);
  assert.equal(roundForPeople('percent', -2.5), -2.5);
  assert.equal(roundForPeople('measure', 0.41107630025726394), 0.4111);
  assert.equal(roundForPeople('measure', 62.89206255527583), 62.89);
  assert.equal(roundForPeople('measure', 4746.133), 4746);
  assert.equal(roundForPeople('measure', 123_456.7), 123_500);
});

test('Markdown forms: overhead with the decimals asked, a measure to 4 significant figures with separators', () => {
  assert.equal(formatOverhead(528.1553398, 2), '+528.16 %');
  assert.equal(formatOverhead(528.1553398), '+528.2 %');
  assert.equal(formatOverhead(null, 2), '—');
  assert.equal(formatMeasure(10.606), '10.61');
  assert.equal(formatMeasure(152_456.2), '152,500');
});
