import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { describeCase, describeOps } from '../../../harness/validate/describe.ts';

test('describeOps folds a run of identical ops', () => {
  const ops: GuestOp[] = [
    { op: 'map', region: 'h', bytes: 64 * 1024 * 1024, pageSize: '4k' },
    { op: 'fork' },
    ...Array.from({ length: 3 }, (): GuestOp => ({ op: 'switch', to: 2 })),
    { op: 'pio', port: 0x1234, write: false, count: 10 },
    { op: 'touch', region: 'h', pattern: 'random', accesses: 50, write: false },
  ];
  assert.equal(describeOps(ops), 'map 64 MiB 4k, fork, switch ×3, in 0x1234 ×10, read random ×50');
  assert.equal(describeOps([]), '—');
});

test('describeCase names the profile patch, each run\'s engine, setup and measured ops, or the workload', () => {
  const lines = describeCase({
    id: 'x', group: 'g', title: 't', source: { citation: 'c', where: 'w', machine: 'm' }, published: 1, publishedText: '1',
    unit: 'u', band: null, profile: 'intel-modern', profilePatch: { pwc: { pd: 0 } },
    runs: { a: { engine: 'kvm:thp=off', setup: [], measured: { workload: 'cpu/kernel-build' } } },
  });
  assert.deepEqual(lines, ['profile intel-modern [pwc.pd=0]', 'a: kvm:thp=off — setup —; measured workload cpu/kernel-build']);
});
