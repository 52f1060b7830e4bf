import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { run } from './run-engine.ts';

const setupOps: GuestOp[] = [
  { op: 'map', region: 'buf', bytes: 8 * 4096, pageSize: '4k' },
  { op: 'touch', region: 'buf', pattern: 'seq', accesses: 8, write: true },
];

test("kvm's boot is setup even without a phase operation: the measured phase of N CPUIDs is N exits", () => {
  const r = run('kvm', [{ op: 'cpuid', count: 5 }]);
  // boot zeroes pid 1's root table in guest frame 0: one EPT violation backing THP block 0, counted in setup
  assert.deepEqual(r.setup?.exits.byReason, { EPT_VIOLATION: 1 });
  // measured: 5 CPUID exits and nothing else; intel-modern exit round trip 1,500 + handler 100, and no native
  // cpuid cost: the exit replaces the instruction
  assert.deepEqual(r.exits, { total: 5, byReason: { CPUID: 5 } });
  assert.deepEqual(r.attribution, { 'exit:CPUID': 5 * 1600 });
});

test('a phase operation moves the boundary: the demand faults before it are setup, the reads after it measured', () => {
  const r = run('native', [...setupOps, { op: 'phase' }, { op: 'touch', region: 'buf', pattern: 'seq', accesses: 8, write: false }]);
  // setup: 8 first touches, each a demand fault; measured: 8 reads of pages still in the TLB, no fault, no miss
  assert.equal(r.setup?.events.pageFaults, 8);
  assert.equal(r.events.pageFaults, undefined);
  assert.equal(r.tlb.misses, 0);
  assert.deepEqual(Object.keys(r.attribution), ['memory-access']);
});

test('the whole run is the same with and without the boundary: phases only split it', () => {
  const ops: GuestOp[] = [...setupOps, { op: 'cpuid', count: 3 }];
  for (const engine of ['native', 'xen', 'kvm']) {
    const split = run(engine, [...setupOps, { op: 'phase' }, { op: 'cpuid', count: 3 }]);
    const plain = run(engine, ops);
    assert.equal(split.cycles.total + split.setup!.cycles.total, plain.cycles.total + plain.setup!.cycles.total, engine);
    assert.equal(split.exits.total + split.setup!.exits.total, plain.exits.total + plain.setup!.exits.total, engine);
  }
});
