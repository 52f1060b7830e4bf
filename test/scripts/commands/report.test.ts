import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildResults } from '../../fixtures/results.ts';
import { CliHost } from '../cli-host-client.ts';

// commands run in the CLI host: test/scripts/cli-host-client.ts says why a check fails there as in a process
const host = new CliHost();
after(() => host.stop());
const hvbench = (args: string[]) => host.run(args);

const dir = mkdtempSync(join(tmpdir(), 'hvbench-report-'));
const a = join(dir, 'a.json');
const b = join(dir, 'b.json');
writeFileSync(a, JSON.stringify(buildResults()));
const changed = buildResults();
const xen = changed.runs.find((r) => r.workload === 'micro/syscall' && r.engine === 'xen')!;
// 4,120,000 syscall-pt-switch cycles fewer: 64,700,000 → 60,580,000 against native's 10,300,000, so the
// overhead falls from 528.16 % to 488.16 %, 40.0 points
xen.cycles.total -= 4_120_000;
xen.cycles.hypervisor -= 4_120_000;
xen.attribution['syscall-pt-switch'] -= 4_120_000;
xen.overheadAttribution!['syscall-pt-switch'] -= 4_120_000;
xen.overheadPct = (60_580_000 / 10_300_000 - 1) * 100;
writeFileSync(b, JSON.stringify(changed));

test('report A B writes one page of both side by side with the change, and a trend chart per category', async () => {
  const out = join(dir, 'ab');
  const r = await hvbench(['report', a, b, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /2 results side by side/);
  assert.deepEqual(readdirSync(join(out, 'charts')).sort(), ['trend-cpu.png', 'trend-io.png', 'trend-memory.png', 'trend-micro.png']);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  // 6 workloads × 4 engines, one of them changed
  assert.match(html, /1 of 24 runs differ between #1 and #2; the largest overhead change: <code>micro\/syscall<\/code> on xen, −40\.0 points/);
  assert.match(html, /<code>syscall-pt-switch<\/code> −4,120,000 cycles/);
  assert.ok(html.includes('id="chart-trend-micro"'));
});

test('report with several files refuses --no-html and unreadable files in one line, writing nothing', async () => {
  for (const [args, message] of [
    [['report', a, b, '--no-html'], /^hvbench: report: with several results files the output is report\.html; --no-html leaves nothing to write$/],
    [['report', a, join(dir, 'missing.json')], /missing\.json: cannot read/],
  ] as const) {
    const out = join(dir, 'refused');
    const r = await hvbench([...args, '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr.trim(), message);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.ok(!existsSync(out));
  }
});

test('report --no-png of a results file where it lies keeps its charts; into another directory it writes none', async () => {
  const out = join(dir, 'single');
  assert.equal((await hvbench(['report', a, '--out', out, '--quiet'])).code, 0);
  const charts = readdirSync(join(out, 'charts')).sort();
  assert.ok(charts.length > 0);
  const first = readFileSync(join(out, 'charts', charts[0]));
  // re-render only the page from the results.json in that directory: charts/ is carried over, byte for byte
  const again = await hvbench(['report', join(out, 'results.json'), '--out', out, '--no-png', '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(readdirSync(join(out, 'charts')).sort(), charts);
  assert.deepEqual(readFileSync(join(out, 'charts', charts[0])), first);
  // the same file rendered elsewhere without PNGs has no charts to keep
  const elsewhere = join(dir, 'elsewhere');
  assert.equal((await hvbench(['report', join(out, 'results.json'), '--out', elsewhere, '--no-png', '--quiet'])).code, 0);
  assert.equal(existsSync(join(elsewhere, 'charts')), false);
});

test('report --history DIR writes one page with a trend chart per category; a bad file in DIR is one line naming it, exit 2, nothing written', async () => {
  const history = join(dir, 'history');
  for (const [sub, file] of [['1', a], ['2', b]] as const) {
    mkdirSync(join(history, sub), { recursive: true });
    writeFileSync(join(history, sub, 'results.json'), readFileSync(file));
  }
  const out = join(dir, 'history-out');
  const r = await hvbench(['report', '--history', history, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /a history of 2 results/);
  assert.deepEqual(readdirSync(join(out, 'charts')).sort(), ['trend-cpu.png', 'trend-io.png', 'trend-memory.png', 'trend-micro.png']);
  assert.ok(readFileSync(join(out, 'report.html'), 'utf8').includes('id="chart-trend-micro"'));

  mkdirSync(join(history, '3'));
  writeFileSync(join(history, '3', 'results.json'), '{"schema": "hvbench/results@1"}');
  const out2 = join(dir, 'history-bad');
  const bad = await hvbench(['report', '--history', history, '--out', out2]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, new RegExp(`^hvbench: ${join(history, '3', 'results.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \\$\\.tool: `));
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.equal(existsSync(out2), false);
  assert.match((await hvbench(['report', a, '--history', history, '--out', out2])).stderr, /^hvbench: report: give results files or --history DIR, not both\n$/);
});
