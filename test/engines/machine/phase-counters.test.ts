import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counters } from '../../../engines/machine/counters.ts';
import { since, wholeRun } from '../../../engines/machine/phase-counters.ts';

function counted(f: (c: Counters) => void) {
  const c = new Counters();
  f(c);
  return c.snapshot();
}

test('since subtracts every group and drops names that did not move', () => {
  const setup = counted((c) => { c.charge('guest', 'page-walk', 40); c.flush('nonGlobal', 'cr3'); c.tlbMisses = 2; c.walkRefs = 8; c.hypercall('mmu_update', 3); });
  const whole = counted((c) => {
    c.charge('guest', 'page-walk', 40); c.flush('nonGlobal', 'cr3'); c.hypercall('mmu_update', 3);
    c.charge('guest', 'page-walk', 60); c.charge('idle', 'idle', 7); c.flush('single', 'invlpg');
    c.tlbMisses = 5; c.walkRefs = 20;
  });
  const m = since(whole, setup);
  // 100 − 40 page-walk cycles, 7 idle; one INVLPG flush; 5 − 2 misses, 20 − 8 references; no hypercalls after
  assert.deepEqual(m.cycles, { total: 67, guest: 60, hypervisor: 0, host: 0, idle: 7 });
  assert.deepEqual(m.attribution, { idle: 7, 'page-walk': 60 });
  assert.deepEqual(m.tlb, { flushes: { total: 1, byScope: { single: 1 }, byCause: { invlpg: 1 } }, misses: 3, walkRefs: 12 });
  assert.deepEqual(m.hypercalls, { total: 0, byOp: {} });
});

test('wholeRun adds setup back, and is the counters themselves without one', () => {
  const c = new Counters();
  c.exit('EPT_VIOLATION');
  c.markSetup();
  c.exit('CPUID', 4);
  const s = c.snapshot();
  assert.deepEqual(wholeRun(s).exits, { total: 5, byReason: { CPUID: 4, EPT_VIOLATION: 1 } });
  const plain = counted((x) => x.exit('HLT'));
  assert.deepEqual(wholeRun(plain), plain);
});
