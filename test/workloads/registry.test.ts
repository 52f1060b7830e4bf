import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../harness/errors.ts';
import { applyParams, builtinWorkloads, defaultParams, selectWorkloads } from '../../workloads/registry.ts';
import { CATEGORIES } from '../../workloads/types.ts';

const all = builtinWorkloads();
const ids = (ws: readonly { id: string }[]) => ws.map((w) => w.id);

test('every suite the issue names is registered', () => {
  const expected = [
    'cpu/integer', 'cpu/syscall-server', 'cpu/kernel-build', 'cpu/timer-heavy',
    'memory/fault-storm', 'memory/fork-exit', 'memory/mmap-churn', 'memory/random-4k-4k', 'memory/random-4k-2m', 'memory/random-2m-2m',
    'memory/ctx-switch', 'memory/munmap-shootdown', 'memory/threads-shootdown',
    'io/disk-seq', 'io/disk-random', 'io/net-rr', 'io/net-stream', 'io/interrupt-heavy',
    'micro/cpuid', 'micro/hypercall', 'micro/pio-kernel', 'micro/pio-user', 'micro/pio-string', 'micro/mmio', 'micro/hlt',
    'micro/tsc-deadline', 'micro/self-ipi', 'micro/ipi', 'micro/set-cr3', 'micro/invlpg', 'micro/hot-access',
    'micro/cold-access', 'micro/set-page-table', 'micro/tlb-shootdown', 'micro/null-syscall',
  ];
  assert.deepEqual(new Set(ids(all).filter((id) => !id.startsWith('power/'))), new Set(expected));
  assert.deepEqual([...CATEGORIES], ['cpu', 'memory', 'io', 'micro', 'power']);
});

test('select by category, by id, and by id prefix; each workload once, in registry order', () => {
  assert.deepEqual(ids(selectWorkloads(all, ['memory'])), ids(all.filter((w) => w.category === 'memory')));
  assert.deepEqual(ids(selectWorkloads(all, ['memory/fault-storm'])), ['memory/fault-storm']);
  assert.deepEqual(ids(selectWorkloads(all, ['micro/cpuid', 'cpu', 'micro/cpuid'])), [
    ...ids(all.filter((w) => w.category === 'cpu')), 'micro/cpuid',
  ]);
  const custom = { ...all[0], id: 'custom/x', category: 'cpu' as const };
  assert.deepEqual(ids(selectWorkloads([...all, custom], ['custom'])), ['custom/x']);
});

test('globs and exclusions: micro/* is the micro category; !id removes from what the others chose, or from all', () => {
  const micro = ids(all.filter((w) => w.category === 'micro'));
  assert.deepEqual(ids(selectWorkloads(all, ['micro/*'])), micro);
  assert.deepEqual(ids(selectWorkloads(all, ['micro/*', '!micro/hypercall'])), micro.filter((id) => id !== 'micro/hypercall'));
  assert.deepEqual(ids(selectWorkloads(all, ['!micro'])), ids(all.filter((w) => w.category !== 'micro')));
  assert.deepEqual(ids(selectWorkloads(all, ['*fork*'])), ids(all).filter((id) => id.includes('fork')));
  // regex characters in a selector are literal: a dot matches a dot only
  assert.throws(() => selectWorkloads(all, ['micro.cpuid*']), /unknown workload or category "micro\.cpuid\*"/);
  assert.throws(() => selectWorkloads(all, ['micro', '!micro/*']), /--workloads micro,!micro\/\*: the exclusions leave no workload/);
  assert.throws(() => selectWorkloads(all, ['!micro/no-such']), /unknown workload or category "micro\/no-such"/);
});

test('the power category is registered even while it has no workloads of this suite', () => {
  assert.doesNotThrow(() => selectWorkloads(all, ['power']));
});

test('an unknown selector is a UsageError suggesting close matches', () => {
  assert.throws(() => selectWorkloads(all, ['memory/falt-storm']), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /unknown workload or category "memory\/falt-storm"; did you mean memory\/fault-storm/);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
  assert.throws(() => selectWorkloads(all, ['memroy']), /did you mean memory\b/);
  assert.throws(() => selectWorkloads(all, ['zzzzzzzzzz']), /categories: cpu, memory, io, micro, power/);
});

test('applyParams overlays validated integers on the defaults', () => {
  const w = all.find((x) => x.id === 'memory/fault-storm')!;
  assert.deepEqual(defaultParams(w), { rounds: 4, regionMiB: 32 });
  assert.deepEqual(applyParams(w, { rounds: 2, regionMiB: '8' }), { rounds: 2, regionMiB: 8 });
  assert.throws(() => applyParams(w, { round: 2 }), /memory\/fault-storm: unknown parameter "round"; did you mean rounds\?/);
  assert.throws(() => applyParams(w, { rounds: 0 }), /"rounds" must be an integer from 1 to 1000 \(got 0\)/);
  assert.throws(() => applyParams(w, { rounds: 1.5 }), UsageError);
  assert.throws(() => applyParams(w, { rounds: '3x' }), /got "3x"/);
});

test('parameters change the stream they describe', () => {
  const w = all.find((x) => x.id === 'micro/cpuid')!;
  assert.deepEqual([...w.generate(applyParams(w, { count: 7 }), null as never)], [{ op: 'cpuid', count: 7 }]);
});
