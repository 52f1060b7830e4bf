import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchmarkActionEntries, formatBenchmarkAction } from '../../../harness/compare/export-benchmark-action.ts';
import { buildResults } from '../../fixtures/results.ts';

test('customSmallerIsBetter entries: name, unit, numeric value, optional string range and extra', () => {
  const entries = JSON.parse(formatBenchmarkAction(buildResults({ failedRun: true }), { rules: null, defaultThresholdPct: 5 }));
  assert.ok(Array.isArray(entries));
  for (const e of entries) {
    assert.deepEqual(Object.keys(e).filter((k) => !['name', 'unit', 'value', 'range', 'extra'].includes(k)), []);
    assert.equal(typeof e.name, 'string');
    assert.equal(typeof e.unit, 'string');
    assert.equal(typeof e.value, 'number');
    if ('range' in e) assert.equal(typeof e.range, 'string');
    if ('extra' in e) assert.equal(typeof e.extra, 'string');
  }
  assert.equal(new Set(entries.map((e: { name: string }) => e.name)).size, entries.length);
  const exits = entries.find((e: { name: string }) => e.name === 'micro/cpuid · kvm exits.total');
  assert.deepEqual(exits, { name: 'micro/cpuid · kvm exits.total', unit: 'exits', value: 50_000, extra: 'profile nehalem-ept, seed 1, simulated' });
  // wall-clock timing only when selected, with its interval as the range
  assert.ok(!entries.some((e: { name: string }) => e.name.endsWith('timing.meanMs')));
  const timed = benchmarkActionEntries(buildResults(), { rules: [{ pattern: 'timing.meanMs', thresholdPct: 5 }], defaultThresholdPct: 5 });
  const timing = timed.find((e) => e.name === 'micro/cpuid · kvm timing.meanMs');
  assert.equal(timing?.unit, 'ms');
  assert.match(timing?.range ?? '', /^± \d/);
  // the failed run is left out; native has no overheadPct
  assert.ok(!entries.some((e: { name: string }) => e.name.startsWith('io/disk-read · kvm:mmu=shadow')));
  assert.ok(!entries.some((e: { name: string }) => e.name === 'micro/cpuid · native overheadPct'));
});

test('default export is a curated few series per run (overhead, and exits or hypercalls when non-zero); with --metric exactly the selected ones', () => {
  const results = buildResults();
  const metricsOf = (entries: { name: string }[]) => new Set(entries.map((e) => e.name.split(' ').pop()));
  const curated = benchmarkActionEntries(results, { rules: null, defaultThresholdPct: 5 });
  assert.deepEqual(metricsOf(curated), new Set(['overheadPct', 'exits.total', 'hypercalls.total']));
  assert.ok(curated.every((e) => e.value !== 0));
  // at most three series per run, so a suite of n runs gives at most 3n charts (the full counter set is ~30 per run)
  assert.ok(curated.length <= 3 * results.runs.length);
  assert.ok(!curated.some((e) => e.name === 'micro/cpuid · native exits.total' || e.name === 'micro/cpuid · native overheadPct'));
  assert.deepEqual(metricsOf(benchmarkActionEntries(results, { rules: [{ pattern: 'tlb.walkRefs', thresholdPct: 0 }], defaultThresholdPct: 5 })), new Set(['tlb.walkRefs']));
});
