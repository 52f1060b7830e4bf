import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSeeds, seedsRecord } from '../../harness/seeds.ts';
import { UsageError } from '../../harness/errors.ts';
import { MAX_SEEDS } from '../../harness/limits.ts';
import { runSuite } from '../../harness/suite.ts';
import { buildResults } from '../fixtures/results.ts';
import type { RunResult } from '../../harness/results.ts';

const refuses = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof UsageError && pattern.test(e.message));

test('--seeds: a range with both ends, or a list; two to MAX_SEEDS distinct seeds', () => {
  assert.deepEqual(parseSeeds('1..10'), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(parseSeeds('1,4,9'), [1, 4, 9]);
  assert.deepEqual(parseSeeds(' 7 .. 8 '), [7, 8]);
  refuses(() => parseSeeds('5'), /one seed; an interval needs two or more/);
  refuses(() => parseSeeds('3..1'), /runs backwards/);
  refuses(() => parseSeeds(`1..${MAX_SEEDS + 1}`), new RegExp(`${MAX_SEEDS + 1} seeds, more than ${MAX_SEEDS}`));
  refuses(() => parseSeeds('1,4,1'), /seed 1 is listed twice/);
  refuses(() => parseSeeds('1,x'), /"x" in "1,x" is not an integer/);
  refuses(() => parseSeeds('1..4294967296'), /is not an integer from 0 to 4294967295/);
});

/** the fixture's first run with its cycles and overhead replaced, as another seed would give */
function withCycles(run: RunResult, cycles: number, overheadPct: number | null, error?: string): RunResult {
  return { ...run, cycles: { ...run.cycles, total: cycles }, overheadPct, ...(error ? { error } : {}) };
}

test('each metric over three seeds: mean and the 95 % t-interval, by hand', () => {
  const [a, b] = buildResults().runs;
  const bySeed = [
    [withCycles(a, 10, null), withCycles(b, 100, 20)],
    [withCycles(a, 12, null), withCycles(b, 100, 30)],
    [withCycles(a, 14, null), withCycles(b, 100, 40, 'timed out')],
  ];
  const record = seedsRecord([4, 5, 6], bySeed);
  assert.deepEqual(record.seeds, [4, 5, 6]);
  // cycles 10, 12, 14: mean 12, s² = (4 + 0 + 4) / 2 = 4, half-width t(0.975, 2) · 2 / √3 = 4.303 · 2 / √3 = 4.9687
  const { interval, values } = record.runs[0].metrics.cycles;
  assert.deepEqual(values, [10, 12, 14]);
  assert.equal(interval!.mean, 12);
  assert.ok(Math.abs(interval!.hi - 12 - (4.303 * 2) / Math.sqrt(3)) < 1e-12);
  assert.ok(Math.abs(12 - interval!.lo - (4.303 * 2) / Math.sqrt(3)) < 1e-12);
  // native has no overhead in any seed: no interval
  assert.deepEqual(record.runs[0].metrics.overheadPct, { values: [null, null, null], interval: null });
  // the second run failed in the third seed: its values say so and it has no interval
  assert.deepEqual(record.runs[1].metrics.overheadPct, { values: [20, 30, null], interval: null });
  assert.deepEqual([record.runs[1].workload, record.runs[1].engine], [b.workload, b.engine]);
});

test('a run over seeds keeps the first seed\'s runs and, for each seed, the counters a run of that seed alone gives', async () => {
  const quiet = { start() {}, done() {}, finish() {} };
  // a small random-read workload (test/fixtures/harness/random-64m.json) rather than memory/random-4k-4k's 512 MiB:
  // what is checked is how seeds are run and recorded, which any workload that draws random addresses shows
  const workloadFiles = [new URL('../fixtures/harness/random-64m.json', import.meta.url).pathname];
  const base = { engines: ['native', 'xen', 'kvm'], workloads: [], profile: 'intel-modern', engineModules: [], workloadFiles, workers: 1, timeoutMs: 300_000, timing: false, progress: quiet };
  const both = await runSuite({ ...base, seed: 2, seeds: [2, 9] });
  const [two, nine] = [await runSuite({ ...base, seed: 2 }), await runSuite({ ...base, seed: 9 })];
  assert.deepEqual(both.runs, two.runs);
  for (const [i, run] of both.seeds!.runs.entries()) {
    assert.deepEqual(run.metrics.cycles.values, [two.runs[i].cycles.total, nine.runs[i].cycles.total]);
    assert.deepEqual(run.metrics.tlbMisses.values, [two.runs[i].tlb.misses, nine.runs[i].tlb.misses]);
  }
  // random reads: another seed draws other addresses, so the misses differ
  assert.notEqual(nine.runs[0].tlb.misses, two.runs[0].tlb.misses);
});
