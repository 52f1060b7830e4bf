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

test('markSetup splits the run: the top level counts what came after it, setup what came before', () => {
  const c = new Counters();
  c.charge('hypervisor', 'ept-violation', 5000);
  c.exit('EPT_VIOLATION');
  c.event('pageFaults', 3);
  c.markSetup();
  c.charge('hypervisor', 'exit:CPUID', 1600);
  c.exit('CPUID', 2);
  c.event('pageFaults', 1);
  const s = c.snapshot();
  // measured: only the two CPUID exits and the one fault after the mark; ept-violation is not listed at 0
  assert.deepEqual(s.cycles, { total: 1600, guest: 0, hypervisor: 1600, host: 0, idle: 0 });
  assert.deepEqual(s.attribution, { 'exit:CPUID': 1600 });
  assert.deepEqual(s.exits, { total: 2, byReason: { CPUID: 2 } });
  assert.deepEqual(s.events, { pageFaults: 1 });
  // setup: everything up to the mark
  assert.deepEqual(s.setup?.cycles, { total: 5000, guest: 0, hypervisor: 5000, host: 0, idle: 0 });
  assert.deepEqual(s.setup?.exits, { total: 1, byReason: { EPT_VIOLATION: 1 } });
  assert.deepEqual(s.setup?.events, { pageFaults: 3 });
});

test('without markSetup everything is measured and there is no setup block', () => {
  const c = new Counters();
  c.charge('guest', 'compute', 10);
  assert.equal(c.snapshot().setup, undefined);
});
