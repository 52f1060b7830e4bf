import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCharts } from '../../reports/charts/index.ts';
import { buildResults } from '../fixtures/results.ts';

test('every chart is plain data (the same config is JSON in report.html) with a unique file id', () => {
  const charts = buildCharts(buildResults({ measured: true, hostile: true }));
  assert.deepEqual(charts.map((c) => c.id), [
    'overhead', 'exits', 'hypercalls', 'tlb-flushes', 'attribution-xen', 'attribution-kvm', 'attribution-kvm-mmu-i-shadow-i', 'attribution-kvm-host',
  ]);
  for (const chart of charts) {
    assert.deepEqual(JSON.parse(JSON.stringify(chart.config)), chart.config, chart.id);
    assert.match(chart.id, /^[a-z0-9-]+$/);
  }
});

test('overhead chart: one series per compared engine, one value per workload', () => {
  const results = buildResults();
  const data = buildCharts(results)[0].config.data;
  assert.deepEqual(data.labels, results.workloads.map((w) => w.id));
  assert.deepEqual(data.datasets.map((d) => d.label), ['xen', 'kvm', 'kvm:mmu=shadow']);
  assert.equal((data.datasets[0].data[1] as number).toFixed(1), '528.2');
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
