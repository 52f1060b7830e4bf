import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCharts } from '../../reports/charts/index.ts';
import { cycleRatio, logAxisMin } from '../../reports/charts/overhead.ts';
import { buildResults } from '../fixtures/results.ts';

test('every chart is plain data (the same config is JSON in report.html) with a unique file id', () => {
  const charts = buildCharts(buildResults({ measured: true, hostile: true }));
  assert.deepEqual(charts.map((c) => c.id), [
    'overhead', 'overhead-cpu', 'overhead-micro', 'overhead-memory', 'overhead-io', 'attribution-cpu', 'attribution-micro', 'attribution-memory', 'attribution-io',
    'exits-cpu', 'exits-micro', 'exits-memory', 'exits-io', 'hypercalls-cpu', 'hypercalls-micro', 'hypercalls-memory', 'hypercalls-io',
    'tlb-flushes-micro', 'tlb-flushes-memory', 'tlb-flushes-io',
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
  // bars start at native (1), so kvm:mmu=shadow's +0.0 % on micro/syscall draws nothing
  for (const d of data.datasets) assert.equal((d as { base?: number }).base, 1, d.label);
  // xen on micro/syscall: 10,000,000 + 4,500,000 + 41,200,000 + 9,000,000 cycles against native's 10,300,000
  assert.equal((data.datasets[0] as unknown as { hvbenchTooltips: string[] }).hvbenchTooltips[1], '+528.2 %, 64,700,000 cycles');
  // one colour per engine family, whatever the file: xen blue, kvm vermillion, a kvm variant orange
  assert.deepEqual(data.datasets.map((d) => d.backgroundColor), ['#0072b2', '#d55e00', '#e69f00']);
  assert.equal(chart.notes, undefined);
});

test('a run that is not meaningful on xen PV leaves the headline chart with a note, and keeps its tables', () => {
  const results = buildResults();
  const cpuid = results.workloads.find((w) => w.id === 'micro/cpuid')!;
  cpuid.notMeaningfulOnPv = 'a test of the note.';
  const chart = buildCharts(results)[0];
  const at = results.workloads.indexOf(cpuid);
  assert.equal(chart.config.data.datasets[0].data[at], null, 'xen');
  assert.equal(chart.config.data.datasets[1].data[at], 1 + results.runs.find((r) => r.workload === 'micro/cpuid' && r.engine === 'kvm')!.overheadPct! / 100);
  // xen: 5,000,000 + 60,000,000 cycles against native's 5,000,000 → 13×
  assert.deepEqual(chart.notes, ['Not drawn on xen: micro/cpuid 13× native. A PV domU cannot execute the instruction these measure, so each is a fault Xen bounces to the guest; their counters are in the tables.']);
  // PV only: the same workload on xen:mode=hvm is meaningful
  const xen = results.runs.find((r) => r.workload === 'micro/cpuid' && r.engine === 'xen')!;
  xen.options = { ...xen.options, mode: 'hvm' };
  assert.notEqual(buildCharts(results)[0].config.data.datasets[0].data[at], null);
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

test('counter charts, one per category, stack the reasons of every run that has any; a reason keeps its colour', () => {
  const charts = buildCharts(buildResults());
  const exits = charts.find((c) => c.id === 'exits-micro')!;
  assert.ok(!(exits.config.data.labels as string[]).some((l) => l.endsWith('· native') || l.endsWith('· xen')));
  // micro: syscall has no exits on kvm; cpuid has 50,000 CPUID exits on kvm and on kvm:mmu=shadow
  assert.deepEqual(exits.config.data.labels, ['micro/cpuid · kvm', 'micro/cpuid · kvm:mmu=shadow']);
  assert.deepEqual(exits.config.data.datasets.map((d) => [d.label, d.data]), [['CPUID', [50_000, 50_000]]]);
  // EXTERNAL_INTERRUPT exits (cpu/compute and io/disk-read): the same colour in both categories' charts
  const external = (id: string) => charts.find((c) => c.id === id)!.config.data.datasets.find((d) => d.label === 'EXTERNAL_INTERRUPT')!.backgroundColor;
  assert.equal(external('exits-cpu'), external('exits-io'));
});

test('attribution per category: every run slower than native is a bar of 100 %, named mechanisms chosen in that category', () => {
  const results = buildResults();
  const charts = buildCharts(results).filter((c) => c.group === 'attribution');
  assert.deepEqual(charts.map((c) => c.category), ['cpu', 'micro', 'memory', 'io']);
  for (const chart of charts) {
    (chart.config.data.labels as string[]).forEach((label, i) => {
      const sum = chart.config.data.datasets.reduce((s, d) => s + (d.data[i] as number), 0);
      assert.ok(Math.abs(sum - 100) < 1e-9, `${chart.id} ${label}: ${sum}`);
    });
  }
  const io = charts[3];
  // kvm:mmu=shadow's io/disk-read is as slow as kvm's: all four engines' runs are slower than native
  assert.deepEqual(io.config.data.labels, ['io/disk-read · xen', 'io/disk-read · kvm', 'io/disk-read · kvm:mmu=shadow']);
  // xen's overhead on io/disk-read: split-driver 30,000,000 + grant-copy 12,300,000 + event-upcall 7,400,000 +
  // hc:event_channel_op 1,000,000 = 50,700,000 cycles, of which split-driver is 59.17 %
  const split = io.config.data.datasets.find((d) => d.label === 'split-driver')!;
  assert.ok(Math.abs((split.data[0] as number) - 3_000_000_000 / 50_700_000) < 1e-9);
  assert.equal((split as unknown as { hvbenchTooltips: string[] }).hvbenchTooltips[0], '59.2 % of the overhead, 30,000,000 cycles');
  // micro/syscall on kvm:mmu=shadow is +0.0 %: no overhead to divide, so no bar and a note
  const micro = charts[1];
  assert.ok(!(micro.config.data.labels as string[]).includes('micro/syscall · kvm:mmu=shadow'));
  assert.match(micro.notes![0], /^No bar for runs not slower than native \(no overhead to divide\): micro\/syscall · kvm:mmu=shadow \(\+0\.0 %\)/);
});
