import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StepRecorder } from '../../../harness/explain/step-recorder.ts';
import { Counters } from '../../../engines/machine/counters.ts';

test('consecutive charges under one mechanism are one step; counts sit between the steps they came between', () => {
  const r = new StepRecorder();
  const c = new Counters();
  c.trace = r;
  c.charge('guest', 'syscall', 70);
  c.hypercall('iret');
  c.charge('hypervisor', 'pv-syscall', 150);
  c.charge('hypervisor', 'pv-syscall', 250);
  c.event('cr3Writes');
  c.flush('nonGlobal', 'cr3');
  c.event('cr3Writes');
  c.charge('hypervisor', 'syscall-pt-switch', 206);
  // by hand: syscall 70 | iret | pv-syscall 150 + 250 = 400 | 2 CR3 writes and a flush | syscall-pt-switch 206
  assert.deepEqual(r.entries, [
    { kind: 'charge', domain: 'guest', mechanism: 'syscall', cycles: 70 },
    { kind: 'count', counts: { 'hypercall iret': 1 } },
    { kind: 'charge', domain: 'hypervisor', mechanism: 'pv-syscall', cycles: 400 },
    { kind: 'count', counts: { 'event cr3Writes': 2, 'flush nonGlobal/cr3': 1 } },
    { kind: 'charge', domain: 'hypervisor', mechanism: 'syscall-pt-switch', cycles: 206 },
  ]);
});

test('TLB misses and walk references, plain counter fields, are counted before the charge that follows them', () => {
  const r = new StepRecorder();
  const c = new Counters();
  c.trace = r;
  c.chargeGuestHot(0, 4); // memory-access
  // what Mmu.access does on a miss: count the miss and the walk's 3 references, then charge the walk
  c.tlbMisses++;
  c.walkRefs += 3;
  c.chargeGuestHot(2, 3 * 100); // page-walk
  assert.deepEqual(r.entries, [
    { kind: 'charge', domain: 'guest', mechanism: 'memory-access', cycles: 4 },
    { kind: 'count', counts: { 'tlb misses': 1, 'walk refs': 3 } },
    { kind: 'charge', domain: 'guest', mechanism: 'page-walk', cycles: 300 },
  ]);
  r.reset();
  assert.deepEqual(r.entries, []);
});

test('counters without a trace count exactly as with one: the trace only listens', () => {
  const drive = (c: Counters) => {
    c.charge('guest', 'compute', 10);
    c.chargeGuestHot(1, 9);
    c.exit('CPUID', 2);
    c.hypercall('mmu_update', 3);
    c.flush('single', 'invlpg');
    c.event('pageFaults');
    c.charge('hypervisor', 'exit:CPUID', 1600);
  };
  const plain = new Counters();
  const traced = new Counters();
  traced.trace = new StepRecorder();
  drive(plain);
  drive(traced);
  assert.deepEqual(traced.snapshot(), plain.snapshot());
});
