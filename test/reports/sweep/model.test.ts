import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sweepCurves, sweepTable } from '../../../reports/sweep/model.ts';
import { sweepMarkdown, sweepSections } from '../../../reports/sweep/section.ts';
import { seedsRecord } from '../../../harness/seeds.ts';
import type { ResultsFile, RunResult } from '../../../harness/results.ts';
import { buildResults } from '../../fixtures/results.ts';

/** the fixture cut to micro/cpuid, swept over kvm's mmu, with each kvm column's overhead per seed as given */
function swept(overheads: Record<string, number[]> | null): ResultsFile {
  const full = buildResults();
  const keep = (r: RunResult) => r.workload === 'micro/cpuid' && r.engine !== 'xen';
  const base: ResultsFile = {
    ...full,
    engines: full.engines.filter((e) => e.label !== 'xen'),
    workloads: full.workloads.filter((w) => w.id === 'micro/cpuid'),
    runs: full.runs.filter(keep),
    sweeps: [{ engine: 'kvm', swept: ['mmu'], columns: [{ label: 'kvm', values: { mmu: 'ept' } }, { label: 'kvm:mmu=shadow', values: { mmu: 'shadow' } }] }],
  };
  if (!overheads) return base;
  const seeds = overheads.kvm.map((_, s) => s + 1);
  const bySeed = seeds.map((_, s) => base.runs.map((r) => (r.engine in overheads ? { ...r, overheadPct: overheads[r.engine][s] } : r)));
  return { ...base, runs: bySeed[0], seeds: seedsRecord(seeds, bySeed) };
}

test('a sweep over seeds: each column\'s headline is the mean over the seeds with its 95 % interval, by hand', () => {
  // one workload, so each seed's geometric mean is 1 + overhead/100: kvm ×2, ×4, ×3 → mean 3, s = 1, half-width
  // t(0.975, 2)/√3 = 4.303/√3 = 2.4843; shadow ×5 in every seed → 5, no width
  const results = swept({ kvm: [100, 300, 200], 'kvm:mmu=shadow': [400, 400, 400] });
  const [curve] = sweepCurves(results, results.sweeps![0], 'micro');
  assert.equal(curve.name, 'kvm');
  const [ept, shadow] = curve.points.map((p) => p.value!);
  assert.ok(Math.abs(ept.mean - 3) < 1e-12);
  assert.ok(Math.abs(ept.hi - 3 - 4.303 / Math.sqrt(3)) < 1e-12);
  assert.deepEqual(shadow, { mean: 5, lo: 5, hi: 5 });
  assert.deepEqual(sweepTable(results, results.sweeps![0]).rows, [['ept', '×3.000 [×0.516–×5.484]'], ['shadow', '×5.000']]);
  // the chart draws the interval as a bar from lo to hi beside the curve of means
  const [section] = sweepSections(results);
  const datasets = section.charts[0].data.datasets as { type: string; data: unknown[] }[];
  assert.deepEqual(datasets.map((d) => d.type), ['line', 'bar']);
  assert.deepEqual((datasets[1].data[0] as number[]).map((x) => x.toFixed(3)), ['0.516', '5.484']);
  assert.ok(sweepMarkdown(results).includes('| ept | ×3.000 \\[×0.516–×5.484\\] |'));
});

test('a sweep of one seed plots the values alone; a file without sweeps has no sweep section', () => {
  const results = swept(null);
  const [section] = sweepSections(results);
  assert.deepEqual((section.charts[0].data.datasets as { type: string }[]).map((d) => d.type), ['line']);
  assert.deepEqual(sweepSections(buildResults()), []);
  assert.deepEqual(sweepMarkdown(buildResults()), []);
});
