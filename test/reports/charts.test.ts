import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCharts } from '../../reports/charts/index.ts';
import { cycleRatio, logAxisMin } from '../../reports/charts/overhead.ts';
import { buildResults } from '../fixtures/results.ts';

test('every chart is plain data (the same config is JSON in report.html) with a unique file id', () => {
  const charts = buildCharts(buildResults({ measured: true, hostile: true }));
  assert.deepEqual(charts.map((c) => c.id), [
    'overhead', 'overhead-cpu', 'overhead-micro', 'overhead-memory', 'overhead-io', 'exits', 'hypercalls', 'tlb-flushes', 'attribution-xen', 'attribution-kvm', 'attribution-kvm-mmu-i-shadow-i', 'attribution-kvm-host',
  ]);
  for (const chart of charts) {
    assert.deepEqual(JSON.parse(JSON.stringify(chart.config)), chart.config, chart.id);
    assert.match(chart.id, /^[a-z0-9-]+$/);
  }
});

test('headline overhead chart: engine ÷ native cycles per workload on a log axis that shows a ratio of 1', () => {
  const results = buildResults();
  const chart = buildCharts(results)[0];
  const data = chart.config.data;
  assert.deepEqual(data.labels, results.workloads.map((w) => w.id));
  assert.deepEqual(data.datasets.map((d) => d.label), ['xen', 'kvm', 'kvm:mmu=shadow']);
  const xenSyscall = results.runs.find((r) => r.workload === 'micro/syscall' && r.engine === 'xen')!;
  assert.equal(data.datasets[0].data[1], 1 + xenSyscall.overheadPct! / 100);
  assert.equal((data.datasets[0].data[1] as number).toFixed(2), '6.28'); // +528.2 %
  const y = (chart.config.options as { scales: { y: { type: string; min: number } } }).scales.y;
  assert.equal(y.type, 'logarithmic');
  assert.equal(y.min, 0.5, 'half a decade below the smallest ratio (≈ 1.00 for kvm:mmu=shadow on micro/syscall)');
});

test('overhead at or below zero has a place: a ratio below 1 on the log axis, none for a ratio that cannot be logged', () => {
  assert.equal(cycleRatio(-20), 0.8);
  assert.equal(cycleRatio(-100), null);
  assert.equal(cycleRatio(null), null);
  assert.equal(logAxisMin([0.8, 3, null]), 0.05);
  assert.equal(logAxisMin([1.004, 25]), 0.5);
  assert.equal(logAxisMin([]), 0.5);
});

test('one linear overhead chart per category, in percent, with only the engines that ran there', () => {
  const results = buildResults({ measured: true });
  const charts = buildCharts(results).filter((c) => c.group === 'category');
  assert.deepEqual(charts.map((c) => [c.id, c.category]), [['overhead-cpu', 'cpu'], ['overhead-micro', 'micro'], ['overhead-memory', 'memory'], ['overhead-io', 'io']]);
  for (const chart of charts) {
    const x = (chart.config.options as { scales: { x: { type: string; beginAtZero: boolean } } }).scales.x;
    assert.deepEqual([x.type, x.beginAtZero], ['linear', true], chart.id);
    assert.deepEqual(chart.config.data.labels, results.workloads.filter((w) => w.category === chart.category).map((w) => w.id));
  }
  const cpu = charts[0].config.data;
  assert.deepEqual(cpu.datasets.map((d) => d.label), ['xen', 'kvm', 'kvm:mmu=shadow'], 'kvm-host ran no cpu workload');
  assert.equal((cpu.datasets[1].data[0] as number).toFixed(2), '0.43');
  assert.deepEqual(charts[1].config.data.datasets.map((d) => d.label), ['xen', 'kvm', 'kvm:mmu=shadow', 'kvm-host']);
});

test('counter charts stack the reasons of every run that has any', () => {
  const exits = buildCharts(buildResults()).find((c) => c.id === 'exits')!;
  assert.ok(!(exits.config.data.labels as string[]).some((l) => l.endsWith('· native') || l.endsWith('· xen')));
  const cpuid = exits.config.data.datasets.find((d) => d.label === 'CPUID')!;
  const at = (exits.config.data.labels as string[]).indexOf('micro/cpuid · kvm');
  assert.equal(cpuid.data[at], 50_000);
});

test('an engine\'s attribution bars add up to its overhead', () => {
  const results = buildResults();
  const chart = buildCharts(results).find((c) => c.id === 'attribution-xen')!;
  const labels = chart.config.data.labels as string[];
  labels.forEach((workload, i) => {
    const sum = chart.config.data.datasets.reduce((s, d) => s + (d.data[i] as number), 0);
    const run = results.runs.find((r) => r.workload === workload && r.engine === 'xen')!;
    assert.ok(Math.abs(sum - run.overheadPct!) < 1e-9, `${workload}: ${sum} vs ${run.overheadPct}`);
  });
});
