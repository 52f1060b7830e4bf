import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counters } from '../../engines/machine/counters.ts';
import { computeOverhead } from '../../harness/overhead.ts';

test('overhead is relative to native and its attribution sums to the difference', () => {
  const native = new Counters();
  native.charge('guest', 'compute', 1000);
  native.charge('guest', 'cpuid', 100);
  const kvm = new Counters();
  kvm.charge('guest', 'compute', 1000);
  kvm.charge('guest', 'cpuid', 100);
  kvm.charge('hypervisor', 'exit:CPUID', 1150);
  const o = computeOverhead(kvm.snapshot(), native.snapshot());
  assert.ok(o);
  assert.equal(o.overheadPct, (1150 / 1100) * 100);
  assert.deepEqual(o.overheadAttribution, { 'exit:CPUID': 1150 });
  const sum = Object.values(o.overheadAttribution).reduce((a, b) => a + b, 0);
  assert.equal(sum, kvm.snapshot().cycles.total - native.snapshot().cycles.total);
});

test('mechanisms an engine does cheaper than native show as negative entries', () => {
  const native = new Counters();
  native.charge('guest', 'page-walk', 400);
  const other = new Counters();
  other.charge('guest', 'page-walk', 100);
  const o = computeOverhead(other.snapshot(), native.snapshot());
  assert.deepEqual(o?.overheadAttribution, { 'page-walk': -300 });
  assert.equal(o?.overheadPct, -75);
});

test('no overhead against an empty native run', () => {
  assert.equal(computeOverhead(new Counters().snapshot(), new Counters().snapshot()), null);
});

test('both phased: the measured phases are compared; one engine without phases: both whole runs are', () => {
  const native = new Counters();
  native.charge('guest', 'pte-write', 400); // setup
  native.markSetup();
  native.charge('guest', 'cpuid', 100);
  const kvm = new Counters();
  kvm.charge('guest', 'pte-write', 400);
  kvm.charge('hypervisor', 'ept-violation', 4000);
  kvm.markSetup();
  kvm.charge('guest', 'cpuid', 100);
  kvm.charge('hypervisor', 'exit:CPUID', 1600);
  // measured: (1700 − 100) / 100 — the setup's EPT violation is not overhead
  assert.equal(computeOverhead(kvm.snapshot(), native.snapshot())?.overheadPct, 1600);
  // a plugin that counted all of it as measured: (400 + 4000 + 1700) against native's whole 500
  const plugin = new Counters();
  plugin.charge('guest', 'other', 6100);
  assert.equal(computeOverhead(plugin.snapshot(), native.snapshot())?.overheadPct, ((6100 - 500) / 500) * 100);
});
