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

// The fixture's natural column widths (its longest cell per column): Workload 19 (memory/random-touch), Engine 19
// (kvm-host (measured)), Overhead 10 (+1,422.0 %), Cycles 13 (1,051,300,000), Per op 6 (header), Exits / traps
// 13, Hypercalls 10, TLB flushes 11, TLB misses 10, Energy at P0 12 (headers), Top mechanism 47 (the failed run's
// error); 2 spaces between columns: 190 in all.
const visible = (line: string) => [...line.replace(/\x1b\[\d+m/g, '')].length;
const header = (text: string) => text.split('\n')[0].split(/ {2,}/);

test('fits 60, 80, 120 and 200 columns: no line wider, every run still a row, in colour too', () => {
  const results = buildResults({ measured: true, failedRun: true });
  for (const width of [60, 80, 120, 200]) {
    for (const color of [false, true]) {
      const lines = renderTerminalTable(results, { color, width }).trimEnd().split('\n');
      for (const line of lines) assert.ok(visible(line) <= width, `${width}: ${visible(line)} > ${width}: ${line}`);
      const notes = lines.findIndex((l) => /^(Engines|Not shown)/.test(l));
      const table = lines.slice(1, notes === -1 ? undefined : notes).filter((l) => !l.startsWith('─'));
      assert.equal(table.length, results.runs.length, `${width}`);
    }
  }
});

test('200 columns: the whole 190-column table, nothing cut or left out', () => {
  const results = buildResults({ measured: true, failedRun: true });
  assert.equal(renderTerminalTable(results, { color: false, width: 200 }), renderTerminalTable(results, { color: false }));
});

test('120 columns: the three least telling columns left out, the top mechanism cut', () => {
  // at their narrowest (Top mechanism 14, Engine 14) all eleven need 19+14+10+13+6+13+10+11+10+12+14 + 20 = 152;
  // without Energy (−14), TLB misses (−12), TLB flushes (−13): 113 ≤ 120. At full width those eight take 151, so
  // the top mechanism gives up 31 (47 → 16) and the engines keep their 19.
  const text = renderTerminalTable(buildResults({ measured: true, failedRun: true }), { color: false, width: 120 });
  assert.deepEqual(header(text), ['Workload', 'Engine', 'Overhead', 'Cycles', 'Per op', 'Exits / traps', 'Hypercalls', 'Top mechanism']);
  assert.match(text, /kvm:mmu=shadow +failed +device model cr…\n/);
  assert.match(text, /kvm-host \(measured\)  \+1,422\.0 %/);
  assert.match(text, /\nNot shown at 120 columns: TLB flushes, TLB misses, Energy at P0 /);
  assert.doesNotMatch(text, /Engines:/);
});

test('80 columns: engine labels cut with a legend', () => {
  // dropping on from 113: Per op (−8) 105, Hypercalls (−12) 93, Exits / traps (−15) 78 ≤ 80. At full width the five
  // left take 19+19+10+13+47 + 8 = 116: the top mechanism gives up 33 (to its 14), the engines the last 3 (to 16).
  const text = renderTerminalTable(buildResults({ measured: true, failedRun: true }), { color: false, width: 80 });
  assert.deepEqual(header(text), ['Workload', 'Engine', 'Overhead', 'Cycles', 'Top mechanism']);
  assert.match(text, /\n {21}kvm-host \(measu…  \+1,422\.0 %/);
  assert.match(text, /\nEngines: kvm-host \(measu… = kvm-host \(measured\)\n/);
  assert.match(text, /exit:CPUID 10…\n/);
});

test('60 columns: workload, engine and overhead only, whole', () => {
  // Cycles (−15) leaves 63 > 60 and the top mechanism (−16) 47: the three take 19+19+10 + 4 = 52 at full width
  const text = renderTerminalTable(buildResults({ measured: true, failedRun: true }), { color: false, width: 60 });
  assert.deepEqual(header(text), ['Workload', 'Engine', 'Overhead']);
  assert.match(text, /kvm-host \(measured\)  \+1,422\.0 %\n/);
  assert.doesNotMatch(text, /Engines:/);
});
