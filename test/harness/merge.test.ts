import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeResults } from '../../harness/merge.ts';
import { runSuite } from '../../harness/suite.ts';
import { UsageError } from '../../harness/errors.ts';
import type { ResultsFile } from '../../harness/results.ts';
import type { Shard } from '../../harness/shard.ts';

const quiet = { start() {}, done() {}, finish() {} };

async function suite(shard?: Shard): Promise<ResultsFile> {
  return runSuite({
    engines: ['native', 'xen', 'kvm'], workloads: ['micro/cpuid', 'micro/hypercall', 'micro/set-cr3'], profile: 'intel-modern',
    engineModules: [], workloadFiles: [], seed: 7, workers: 1, timeoutMs: 300_000, timing: false, progress: quiet, shard,
  });
}

/** all but the creation time and the host, which say when and where each runner ran */
const model = (r: ResultsFile) => JSON.stringify({ ...r, createdAt: '', host: null });

test('the shards of a suite, merged, are the results of one run of it', async () => {
  const whole = await suite();
  const shards = [await suite({ index: 1, count: 2 }), await suite({ index: 2, count: 2 })];
  // 3 workloads in 2 shards: cuts at floor(3/2) = 1, so 1 and 2 workloads, 3 engines each
  assert.deepEqual(shards.map((s) => s.runs.length), [3, 6]);
  const merged = mergeResults(shards.map((results, i) => ({ name: `s${i + 1}.json`, results })));
  assert.equal(model(merged), model(whole));
});

test('merge refuses slices of different suites, a workload twice, two power sections, or one file', async () => {
  const [a, b] = [await suite({ index: 1, count: 2 }), await suite({ index: 2, count: 2 })];
  const refuses = (files: { name: string; results: ResultsFile }[], pattern: RegExp) =>
    assert.throws(() => mergeResults(files), (e: unknown) => e instanceof UsageError && pattern.test(e.message));
  refuses([{ name: 'a.json', results: a }], /at least two shards/);
  refuses([{ name: 'a.json', results: a }, { name: 'b.json', results: { ...b, seed: 8 } }], /^merge: b\.json: seed differs from a\.json's/);
  refuses([{ name: 'a.json', results: a }, { name: 'a2.json', results: a }], /^merge: a2\.json: workload micro\/\S+ is also in a\.json/);
  const power = {} as NonNullable<ResultsFile['power']>;
  refuses([{ name: 'a.json', results: { ...a, power } }, { name: 'b.json', results: { ...b, power } }], /b\.json: a power section is also in a\.json/);
  // the power section of shard 1 is kept, wherever it is given
  assert.equal(mergeResults([{ name: 'a.json', results: { ...a, power } }, { name: 'b.json', results: b }]).power, power);
});
