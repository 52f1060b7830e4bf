import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counters } from '../../../engines/machine/counters.ts';

test('charges add up by domain and mechanism', () => {
  const c = new Counters();
  c.charge('guest', 'compute', 100);
  c.charge('hypervisor', 'exit:CPUID', 1200);
  c.charge('guest', 'compute', 50);
  const s = c.snapshot();
  assert.equal(s.cycles.total, 1350);
  assert.equal(s.cycles.guest, 150);
  assert.deepEqual(s.attribution, { compute: 150, 'exit:CPUID': 1200 });
});

test('snapshot keys are sorted so serialization does not depend on event order', () => {
  const a = new Counters();
  a.exit('HLT'); a.exit('CPUID', 2);
  const b = new Counters();
  b.exit('CPUID'); b.exit('HLT'); b.exit('CPUID');
  assert.equal(JSON.stringify(a.snapshot()), JSON.stringify(b.snapshot()));
  assert.equal(a.snapshot().exits.total, 3);
});

test('flushes are counted by scope and by cause', () => {
  const c = new Counters();
  c.flush('nonGlobal', 'cr3', 2);
  c.flush('single', 'invlpg');
  const s = c.snapshot();
  assert.equal(s.tlb.flushes.total, 3);
  assert.deepEqual(s.tlb.flushes.byScope, { nonGlobal: 2, single: 1 });
  assert.deepEqual(s.tlb.flushes.byCause, { cr3: 2, invlpg: 1 });
});
