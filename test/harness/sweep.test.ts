import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandSweeps, parseSweep, type ResolveSpec } from '../../harness/sweep.ts';
import { UsageError } from '../../harness/errors.ts';
import { MAX_SWEEP_COLUMNS } from '../../harness/limits.ts';
import { mergeResults } from '../../harness/merge.ts';
import { runSuite } from '../../harness/suite.ts';
import type { ResultsFile } from '../../harness/results.ts';
import type { Shard } from '../../harness/shard.ts';

const refuses = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof UsageError && pattern.test(e.message) && !e.message.includes('\n'));

test('--sweep: an option with several values, fixed options, several swept options', () => {
  assert.deepEqual(parseSweep('xen:batch=8,16,32,64'), { text: 'xen:batch=8,16,32,64', engine: 'xen', options: [{ name: 'batch', values: ['8', '16', '32', '64'] }] });
  assert.deepEqual(parseSweep('xen:xpti=off,batch=8,16,net=copy,map').options,
    [{ name: 'xpti', values: ['off'] }, { name: 'batch', values: ['8', '16'] }, { name: 'net', values: ['copy', 'map'] }]);
  refuses(() => parseSweep('xen'), /^--sweep xen: expected <engine>:<option>=/);
  refuses(() => parseSweep('xen:8,16'), /value "8" comes before any option=/);
  refuses(() => parseSweep('xen:batch=8,8'), /batch=8 is listed twice/);
  refuses(() => parseSweep('xen:batch=8,,16'), /empty value/);
  refuses(() => parseSweep('xen:batch=8,batch=16'), /option batch is given twice/);
});

/** a resolver that labels a spec by itself and reads numbers, as the catalog does for xen's batch */
const resolve: ResolveSpec = (spec) => {
  if (!spec.startsWith('xen:')) throw new UsageError(`unknown engine "${spec.split(':')[0]}"`);
  const options = Object.fromEntries(spec.slice(4).split(',').map((p) => p.split('=')).map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v]));
  if (options.net === 'bad') throw new UsageError('xen: option net must be one of copy, map, got "bad"');
  if (options.batch === 64 && options.net === 'map') throw new UsageError('xen: batch=64 with net=map is refused');
  return { label: spec, options };
};

test('the columns of a sweep are the product of its swept options, the first slowest; flags for one engine join', () => {
  const [sweep] = expandSweeps([parseSweep('xen:xpti=off,batch=8,16'), parseSweep('xen:net=copy,map')], resolve);
  assert.equal(sweep.engine, 'xen');
  assert.deepEqual(sweep.swept, ['batch', 'net']);
  // by hand: batch 8 × (copy, map), then 16 × (copy, map); xpti is fixed, so in the labels but not the values
  assert.deepEqual(sweep.columns, [
    { label: 'xen:xpti=off,batch=8,net=copy', values: { batch: 8, net: 'copy' } },
    { label: 'xen:xpti=off,batch=8,net=map', values: { batch: 8, net: 'map' } },
    { label: 'xen:xpti=off,batch=16,net=copy', values: { batch: 16, net: 'copy' } },
    { label: 'xen:xpti=off,batch=16,net=map', values: { batch: 16, net: 'map' } },
  ]);
});

test('a sweep refuses unknown engines, bad values, a combination the engine refuses, one value, too many columns', () => {
  refuses(() => expandSweeps([parseSweep('foo:a=1,2')], resolve), /^--sweep foo:a=1,2: unknown engine "foo"/);
  refuses(() => expandSweeps([parseSweep('xen:net=copy,bad')], resolve), /^--sweep xen:net=copy,bad: xen: option net must be one of/);
  refuses(() => expandSweeps([parseSweep('xen:batch=8,64,net=copy,map')], resolve), /^--sweep xen:batch=8,64,net=copy,map: column xen:batch=64,net=map: xen: batch=64 with net=map/);
  refuses(() => expandSweeps([parseSweep('xen:batch=8')], resolve), /needs an option with two or more values/);
  refuses(() => expandSweeps([parseSweep('xen:batch=8,16'), parseSweep('xen:batch=32,64')], resolve), /option batch is swept twice/);
  // 2 + 31 columns: one past the bound
  const many = Array.from({ length: MAX_SWEEP_COLUMNS - 1 }, (_, i) => String(i + 1)).join(',');
  refuses(() => expandSweeps([parseSweep('xen:net=copy,map'), parseSweep(`kvm:hostcpus=${many}`)], resolve), new RegExp(`^--sweep: ${MAX_SWEEP_COLUMNS + 1} engine columns \\(2 \\+ ${MAX_SWEEP_COLUMNS - 1}\\)`));
});

const quiet = { start() {}, done() {}, finish() {} };

async function sweepSuite(shard?: Shard): Promise<ResultsFile> {
  return runSuite({
    engines: ['native'], sweeps: [parseSweep('xen:batch=1,8'), parseSweep('kvm:mmu=ept,shadow')],
    workloads: ['micro/hypercall', 'memory/mmap-churn', 'micro/cpuid'], profile: 'intel-modern',
    engineModules: [], workloadFiles: [], seed: 3, workers: 1, timeoutMs: 300_000, timing: false, progress: quiet, shard,
  });
}

const model = (r: ResultsFile) => JSON.stringify({ ...r, createdAt: '', host: null });

test('a sweep run in two shards and merged is bit-identical to one run of it; the columns differ where the option acts', async () => {
  const whole = await sweepSuite();
  assert.deepEqual(whole.engines.map((e) => e.label), ['native', 'xen:batch=1', 'xen:batch=8', 'kvm:mmu=ept', 'kvm:mmu=shadow']);
  assert.deepEqual(whole.sweeps!.map((s) => s.columns.map((c) => c.values)), [[{ batch: 1 }, { batch: 8 }], [{ mmu: 'ept' }, { mmu: 'shadow' }]]);
  const merged = mergeResults([await sweepSuite({ index: 1, count: 2 }), await sweepSuite({ index: 2, count: 2 })].map((results, i) => ({ name: `s${i + 1}.json`, results })));
  assert.equal(model(merged), model(whole));
  // mmap-churn's page-table updates go through multicalls of `batch` entries: with batch=1 each is a multicall
  // of one, so batch=1 makes at least as many hypercalls as batch=8, and more when any batch held two updates
  const hypercalls = (engine: string) => whole.runs.find((r) => r.workload === 'memory/mmap-churn' && r.engine === engine)!.hypercalls.total;
  assert.ok(hypercalls('xen:batch=1') > hypercalls('xen:batch=8'), `${hypercalls('xen:batch=1')} vs ${hypercalls('xen:batch=8')}`);
});
