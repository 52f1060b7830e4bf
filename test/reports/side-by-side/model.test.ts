import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoryGeomean, runDeltas } from '../../../reports/side-by-side/model.ts';
import { buildResults } from '../../fixtures/results.ts';
import type { ResultsFile } from '../../../harness/results.ts';

/** the fixture with kvm's micro/cpuid 500 CPUID exits and 1,000,000 exit:CPUID cycles dearer */
function slowerCpuid(): ResultsFile {
  const results = buildResults();
  const run = results.runs.find((r) => r.workload === 'micro/cpuid' && r.engine === 'kvm')!;
  run.cycles.total += 1_000_000;
  run.cycles.hypervisor += 1_000_000;
  run.attribution['exit:CPUID'] += 1_000_000;
  run.overheadAttribution!['exit:CPUID'] += 1_000_000;
  run.exits.total += 500;
  run.exits.byReason.CPUID += 500;
  // native's 5,000,000 cycles against kvm's 106,000,000
  run.overheadPct = (106_000_000 / 5_000_000 - 1) * 100;
  return results;
}

test('two files: the one run that changed, by how much, and what moved', () => {
  const deltas = runDeltas([{ name: 'a', results: buildResults() }, { name: 'b', results: slowerCpuid() }]);
  // six workloads × native, xen, kvm, kvm:mmu=shadow
  assert.equal(deltas.length, 24);
  const changed = deltas.filter((d) => d.changed);
  assert.deepEqual(changed.map((d) => `${d.workload} ${d.engine}`), ['micro/cpuid kvm']);
  const [d] = changed;
  // 2,000 % → 2,020 %: +20 points; 106 / 105 − 1 = +0.952 % cycles
  assert.ok(Math.abs(d.overheadPts! - 20) < 1e-9, String(d.overheadPts));
  assert.ok(Math.abs(d.cyclesPct! - (100 / 105)) < 1e-9, String(d.cyclesPct));
  assert.deepEqual(d.mechanism, { name: 'exit:CPUID', cycles: 1_000_000 });
  assert.deepEqual(d.counters, ['exits 50,000 → 50,500']);
  // native ran the same in both: not a change, though it has no overhead
  assert.equal(deltas.find((x) => x.workload === 'micro/cpuid' && x.engine === 'native')!.changed, false);
});

test('a history compares the last file with the first; a run missing from one of them is a change', () => {
  const a = buildResults();
  assert.equal(runDeltas([{ name: 'a', results: a }, { name: 'b', results: slowerCpuid() }, { name: 'a', results: a }]).filter((d) => d.changed).length, 0);
  const fewer = buildResults();
  fewer.runs = fewer.runs.filter((r) => !(r.workload === 'io/disk-read' && r.engine === 'xen'));
  const deltas = runDeltas([{ name: 'a', results: a }, { name: 'fewer', results: fewer }]);
  assert.deepEqual(deltas.filter((d) => d.changed).map((d) => `${d.workload} ${d.engine} ${d.runs.map((r) => (r ? 'ran' : '—')).join(' ')}`), ['io/disk-read xen ran —']);
});

test('the trend metric: geometric mean of engine ÷ native cycles over a category', () => {
  const results = buildResults();
  // micro/syscall: kvm 10,880,000 ÷ native 10,300,000 = 1.05631; micro/cpuid: 105,000,000 ÷ 5,000,000 = 21;
  // √(1.05631 × 21) = √22.1825 = 4.70983
  assert.ok(Math.abs(categoryGeomean(results, 'micro', 'kvm')! - 4.70983) < 1e-5);
  assert.equal(categoryGeomean(results, 'micro', 'native'), null, 'native has no overhead');
  // a run not meaningful on xen PV is left out: micro/syscall alone, 64,700,000 ÷ 10,300,000 = 6.28155
  results.workloads.find((w) => w.id === 'micro/cpuid')!.notMeaningfulOnPv = 'test.';
  assert.ok(Math.abs(categoryGeomean(results, 'micro', 'xen')! - 6.28155) < 1e-5);
});
