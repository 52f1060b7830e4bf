import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCsv, renderLongCsv, safeCell } from '../../reports/csv.ts';
import { buildResults } from '../fixtures/results.ts';

/** minimal RFC 4180 reader for the test: quoted fields may hold commas, quotes and newlines */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  return rows;
}

test('one row per run under a header, every row as wide as the header', () => {
  const results = buildResults({ measured: true, failedRun: true, hostile: true });
  const rows = parseCsv(renderCsv(results));
  assert.equal(rows.length - 1, results.runs.length);
  for (const row of rows) assert.equal(row.length, rows[0].length);
});

test('counters are flattened into stable, named columns; absent counts are 0', () => {
  const results = buildResults();
  const [header, ...rows] = parseCsv(renderCsv(results));
  const col = (name: string) => { const i = header.indexOf(name); assert.ok(i >= 0, `column ${name}`); return i; };
  const kvmCpuid = rows.find((r) => r[0] === 'micro/cpuid' && r[3] === 'kvm')!;
  assert.equal(kvmCpuid[col('exits.byReason.CPUID')], '50000');
  assert.equal(kvmCpuid[col('hypercalls.byOp.iret')], '0');
  const xenSyscall = rows.find((r) => r[0] === 'micro/syscall' && r[3] === 'xen')!;
  assert.equal(xenSyscall[col('tlb.flushes.byCause.cr3')], '200000');
  assert.equal(xenSyscall[col('tlb.flushes.byScope.nonGlobal')], '200000');
  assert.equal(xenSyscall[col('hypercalls.byOp.iret')], '100000');
  assert.equal(Number(xenSyscall[col('overheadPct')]).toFixed(1), '528.2');
  const native = rows.find((r) => r[3] === 'native')!;
  assert.equal(native[col('overheadPct')], '');
  assert.equal(native[col('overheadAttribution.syscall-pt-switch')], '');
  // fixed columns keep their order; dynamic ones are sorted within their group
  const cycleCols = header.filter((h) => h.startsWith('cycles.'));
  assert.deepEqual(cycleCols, ['cycles.total', 'cycles.guest', 'cycles.hypervisor', 'cycles.host', 'cycles.idle']);
  const reasons = header.filter((h) => h.startsWith('exits.byReason.'));
  assert.deepEqual(reasons, [...reasons].sort());
  assert.ok(header.indexOf('exits.total') < header.indexOf(reasons[0]));
});

test('a failed run keeps its row with the error and empty timing', () => {
  const [header, ...rows] = parseCsv(renderCsv(buildResults({ failedRun: true })));
  const failed = rows.find((r) => r[header.indexOf('error')] !== '')!;
  assert.equal(failed[header.indexOf('engine')], 'kvm:mmu=shadow');
  assert.equal(failed[header.indexOf('timing.meanMs')], '');
});

test('formula injection: text starting with = + - @ tab or CR gets a leading quote; numbers, negative ones too, stay numbers', () => {
  assert.equal(safeCell('=HYPERLINK("http://x","y")'), `'=HYPERLINK("http://x","y")`);
  assert.equal(safeCell('+1+1'), "'+1+1");
  assert.equal(safeCell('-2+3'), "'-2+3");
  assert.equal(safeCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(safeCell('\tcmd'), "'\tcmd");
  assert.equal(safeCell('\rcmd'), "'\rcmd");
  assert.equal(safeCell('-3'), '-3');
  assert.equal(safeCell('-1.5e3'), '-1.5e3');
  assert.equal(safeCell(-42), -42);
  assert.equal(safeCell('cpu/compute'), 'cpu/compute');
  const results = buildResults();
  const run = results.runs.find((r) => r.engine === 'xen')!;
  run.title = '=cmd|"/C calc"!A0';
  run.params = { ...run.params, delta: -7 };
  const [header, ...rows] = parseCsv(renderCsv(results));
  const row = rows[results.runs.indexOf(run)];
  assert.equal(row[header.indexOf('title')], `'=cmd|"/C calc"!A0`);
  assert.equal(row[header.indexOf('params.delta')], '-7');
  // a negative overhead (an engine faster than native) is written as the number it is
  run.overheadPct = -2.5;
  const again = parseCsv(renderCsv(results));
  assert.equal(again[results.runs.indexOf(run) + 1][again[0].indexOf('overheadPct')], '-2.5');
});

test('traps into Xen are columns of their own; setup counters follow the measured ones', () => {
  const base = buildResults();
  const results = {
    ...base,
    runs: base.runs.map((r) => {
      if (r.workload !== 'micro/cpuid') return r;
      if (r.engine === 'xen') return { ...r, exits: { total: 50_000, byReason: { forced_invalid_op: 50_000 } } };
      if (r.engine === 'kvm') return { ...r, setup: { ...r, cycles: { total: 260_000, guest: 0, hypervisor: 260_000, host: 0, idle: 0 }, exits: { total: 1, byReason: { EPT_VIOLATION: 1 } } } };
      return r;
    }),
  };
  const [header, ...rows] = parseCsv(renderCsv(results));
  const col = (name: string) => header.indexOf(name);
  const row = (engine: string) => rows.find((r) => r[0] === 'micro/cpuid' && r[3] === engine)!;
  assert.ok(col('traps.byReason.forced_invalid_op') > 0 && col('exits.byReason.forced_invalid_op') < 0);
  assert.equal(row('xen')[col('traps.total')], '50000');
  assert.equal(row('xen')[col('exits.total')], '');
  assert.equal(row('kvm')[col('traps.total')], '');
  assert.equal(row('kvm')[col('exits.byReason.CPUID')], '50000');
  assert.equal(row('kvm')[col('setup.cycles.total')], '260000');
  assert.equal(row('kvm')[col('setup.exits.byReason.EPT_VIOLATION')], '1');
  assert.equal(row('native')[col('setup.cycles.total')], '');
});

test('the long CSV: run,workload,engine,metric,value, one row per run and numeric metric of the wide file', () => {
  const results = buildResults({ failedRun: true });
  const [header, ...rows] = parseCsv(renderLongCsv(results));
  assert.deepEqual(header, ['run', 'workload', 'engine', 'metric', 'value']);
  const value = (workload: string, engine: string, metric: string) => {
    const found = rows.filter((r) => r[1] === workload && r[2] === engine && r[3] === metric);
    assert.equal(found.length, 1, `${workload} ${engine} ${metric}`);
    return found[0][4];
  };
  // the same numbers as the wide file's cells above
  assert.equal(value('micro/cpuid', 'kvm', 'exits.byReason.CPUID'), '50000');
  assert.equal(value('micro/syscall', 'xen', 'hypercalls.byOp.iret'), '100000');
  // run numbers follow the results order; native has no overhead, so no overheadPct row
  const nativeRun = results.runs.findIndex((r) => r.engine === 'native') + 1;
  const nativeRows = rows.filter((r) => r[0] === String(nativeRun));
  assert.ok(nativeRows.length > 0 && nativeRows.every((r) => r[2] === 'native'));
  assert.ok(!nativeRows.some((r) => r[3] === 'overheadPct'));
  // every row of the wide file's numeric cells, and nothing else (text cells such as options stay out)
  const [wideHeader, ...wide] = parseCsv(renderCsv(results));
  const numeric = wide.reduce((n, row) => n + row.filter((cell, i) => !['workload', 'category', 'title', 'engine', 'engineId', 'mode', 'error'].includes(wideHeader[i]) && !wideHeader[i].startsWith('options.') && !wideHeader[i].startsWith('params.') && cell !== '').length, 0);
  assert.equal(rows.length, numeric);
});

test('numbers rounded for people by column kind (reports/format.ts): overheads 2 decimals, ms 4 figures, counts exact', () => {
  const results = buildResults();
  const [header, ...rows] = parseCsv(renderCsv(results));
  const at = (workload: string, engine: string, name: string) => rows.find((r) => r[0] === workload && r[3] === engine)![header.indexOf(name)];
  // xen micro/syscall: 64.7 M / 10.3 M − 1 = 5.2815533… → 528.16 (results.json keeps 528.15533…)
  assert.equal(at('micro/syscall', 'xen', 'overheadPct'), '528.16');
  assert.ok(String(results.runs.find((r) => r.workload === 'micro/syscall' && r.engine === 'xen')!.overheadPct).length > 8);
  // the fixture's slowest timing, io/disk-read on kvm:mmu=shadow: mean 10.606 ms → 10.61, rme 2.25 % stays 2.25
  assert.equal(at('io/disk-read', 'kvm:mmu=shadow', 'timing.meanMs'), '10.61');
  assert.equal(at('io/disk-read', 'kvm:mmu=shadow', 'timing.rme'), '2.25');
  // cycles and counts as counted, to the last digit
  assert.equal(at('memory/random-touch', 'kvm:mmu=shadow', 'cycles.total'), '1051300000');
  assert.equal(at('memory/random-touch', 'xen', 'hypercalls.total'), '524288');
  // the long file writes the same rounded values
  const long = parseCsv(renderLongCsv(results));
  const xenRun = results.runs.findIndex((r) => r.workload === 'micro/syscall' && r.engine === 'xen') + 1;
  assert.deepEqual(long.find((r) => r[0] === String(xenRun) && r[3] === 'overheadPct'), [String(xenRun), 'micro/syscall', 'xen', 'overheadPct', '528.16']);
});
