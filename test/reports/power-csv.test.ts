// power.csv: written beside results.csv when results.json has a power section, one row per
// powerCsvRows() entry under a fixed header; absent otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { powerCsvRows } from '../../engines/power/index.ts';
import { renderPowerCsv } from '../../reports/csv.ts';
import { writeOutputs } from '../../reports/write-outputs.ts';
import { buildResults } from '../fixtures/results.ts';
import { withPower } from '../harness/compare/helpers.ts';

const TEXT_ONLY = { html: false, png: false };

/** header-keyed records; power.csv's ids and numbers hold no comma or quote, so a split is a faithful reader */
function records(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n').map((l) => l.split(','));
  for (const line of lines) assert.equal(line.length, header.length);
  return lines.map((line) => Object.fromEntries(header.map((name, i) => [name, line[i]])));
}

test('power.csv: one row per powerCsvRows entry, stable columns, values as in the section', async () => {
  const results = withPower(buildResults());
  const out = join(mkdtempSync(join(tmpdir(), 'hvbench-power-csv-')), 'o');
  const written = await writeOutputs(results, out, TEXT_ONLY);
  assert.deepEqual(written, ['results.json', 'results.csv', 'power.csv', 'summary.md']);
  const text = readFileSync(join(out, 'power.csv'), 'utf8');
  const rows = records(text);
  const expected = powerCsvRows(results.power!);
  assert.equal(rows.length, expected.length);
  assert.equal(rows.length, 12 * 4);
  assert.deepEqual(Object.keys(rows[0]), Object.keys(expected[0]));
  const busy = rows.find((r) => r.design === 'xen' && r.policy === 'host-only' && r.vm === 'busy')!;
  const want = expected.find((r) => r.design === 'xen' && r.policy === 'host-only' && r.vm === 'busy')!;
  // rounded for people (reports/format.ts): a percentage to 2 decimals, joules to 4 significant figures
  assert.match(busy.deliveredOfBookedPct, /^\d+(\.\d{1,2})?$/);
  assert.ok(Math.abs(Number(busy.deliveredOfBookedPct) - want.deliveredOfBookedPct) <= 0.005);
  assert.match(busy.runEnergyJ.replace('.', ''), /^0*\d{1,4}$/);
  assert.ok(Math.abs(Number(busy.runEnergyJ) - want.runEnergyJ) <= want.runEnergyJ * 5e-4);
  assert.equal(busy.guestGovernor, '');
  // the same section renders the same bytes; writing again over our own output directory is allowed
  assert.equal(renderPowerCsv(structuredClone(results.power!)), text);
  await writeOutputs(results, out, TEXT_ONLY);
});

test('no power section: no power.csv', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'hvbench-power-csv-')), 'o');
  const written = await writeOutputs(buildResults(), out, TEXT_ONLY);
  assert.ok(!written.includes('power.csv'));
  assert.equal(existsSync(join(out, 'power.csv')), false);
});
