import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTerminalTable, useColor } from '../../reports/terminal-table.ts';
import { buildResults } from '../fixtures/results.ts';

test('plain text without colours: a row per run, aligned columns', () => {
  const results = buildResults({ measured: true, failedRun: true });
  const text = renderTerminalTable(results, { color: false });
  assert.ok(!text.includes('\x1b['));
  const lines = text.trimEnd().split('\n');
  const rows = lines.filter((l) => !l.startsWith('─')).slice(1);
  assert.equal(rows.length, results.runs.length);
  assert.match(text, /kvm-host \(measured\)\s+\+1,422\.0 %/);
  assert.match(text, /kvm:mmu=shadow\s+failed\s+device model crashed/);
  const overheadEnd = lines[0].indexOf('Overhead') + 'Overhead'.length;
  for (const row of rows.filter((r) => /%$|% /.test(r))) assert.equal(row[overheadEnd - 1], '%');
});

test('colours only when asked, and only on a TTY without NO_COLOR', () => {
  assert.match(renderTerminalTable(buildResults(), { color: true }), /\x1b\[31m\s*\+528\.2 %\x1b\[0m/);
  assert.equal(useColor({ isTTY: true }, {}), true);
  assert.equal(useColor({ isTTY: false }, {}), false);
  assert.equal(useColor({}, {}), false);
  assert.equal(useColor({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(useColor({ isTTY: true }, { TERM: 'dumb' }), false);
});
