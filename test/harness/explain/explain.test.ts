import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../../../harness/catalog.ts';
import { explain, scenarioFor } from '../../../harness/explain/explain.ts';
import { EXPLAINABLE_OPS } from '../../../harness/explain/default-ops.ts';
import { renderExplainText } from '../../../harness/explain/format-text.ts';
import type { TraceEntry } from '../../../harness/explain/step-recorder.ts';
import { UsageError } from '../../../harness/errors.ts';
import { SYSCALL_FOOTPRINT_PAGES } from '../../../engines/guest/kernel-image.ts';
import type { GuestOp } from '../../../engines/types.ts';

const catalog = await loadCatalog({ profile: 'intel-modern', engineModules: [], workloadFiles: [] });

/** every simulated engine and the options that change an operation's path */
const SPECS = ['native', 'xen', 'xen:xpti=off', 'xen:arch=x86_32', 'xen:mode=hvm', 'xen:mode=pvh', 'kvm', 'kvm:mmu=shadow', 'kvm:vpid=off', 'kvm:io=emulated,apicv=off'];

const steps = (entries: readonly TraceEntry[]) => entries.filter((e) => e.kind === 'charge');
const stepCycles = (entries: readonly TraceEntry[]) => steps(entries).reduce((s, e) => s + e.cycles, 0);
/** every count of `prefix` (e.g. `event cr3Writes`) over the whole trace */
function counted(entries: readonly TraceEntry[], key: string): number {
  return entries.reduce((s, e) => s + (e.kind === 'count' ? (e.counts[key] ?? 0) : 0), 0);
}

test('every operation explains on every simulated engine; the steps add up to the measured cycles, and tracing changes no counter', async () => {
  for (const spec of SPECS) {
    const resolved = catalog.resolveEngine(spec);
    for (const name of EXPLAINABLE_OPS) {
      const x = await explain(catalog, spec, name, 1);
      const where = `${name} on ${spec}`;
      assert.ok(Math.abs(stepCycles(x.entries) - x.counters.cycles.total) <= 1e-9 * x.counters.cycles.total, where);
      // the same stream without the trace gives the same measured counters
      const s = scenarioFor(catalog, name, 1);
      const ops: GuestOp[] = [...s.setup, ...s.warmup, { op: 'phase' }, s.op];
      const plain = await resolved.engine.run({ ops, profile: catalog.profile, options: resolved.options, seed: 1 });
      assert.deepEqual(x.counters, plain, where);
    }
  }
});

test('native syscall, by hand: SYSCALL, the kernel\'s footprint pages as L1 TLB hits (warm), the kernel\'s work', async () => {
  const x = await explain(catalog, 'native', 'syscall', 1);
  const p = catalog.profile;
  assert.deepEqual(steps(x.entries).map((e) => [e.mechanism, e.cycles]), [
    ['syscall', p.native.syscall],
    ['memory-access', SYSCALL_FOOTPRINT_PAGES * p.tlb.l1HitCycles],
    ['syscall-work', p.native.syscallKernelWork],
  ]);
  assert.equal(x.scenario.cold, null);
});

test('kvm cpuid, by hand: one CPUID exit, the VMX round trip plus the handler, and no native CPUID (the exit replaces it)', async () => {
  const x = await explain(catalog, 'kvm', 'cpuid', 1);
  const p = catalog.profile;
  assert.equal(counted(x.entries, 'exit CPUID'), 1);
  assert.deepEqual(steps(x.entries).map((e) => [e.domain, e.mechanism, e.cycles]), [
    ['hypervisor', 'exit:CPUID', p.hvm.exitRoundTrip + p.hvm.exitHandler.CPUID],
  ]);
});

test('xen syscall: the iret hypercall back, toggle_guest_pt twice; with XPTI 6 CR3 writes, without it 2, each a non-global flush', async () => {
  const xpti = await explain(catalog, 'xen', 'syscall', 1);
  // into Xen, Xen's toggle to the guest kernel's tables, out of Xen; the same on the way back
  assert.equal(counted(xpti.entries, 'event cr3Writes'), 6);
  assert.equal(counted(xpti.entries, 'hypercall iret'), 1);
  // XPTI with PCIDs (pcid=xpti, Xen's default): CR3 writes keep the TLB
  assert.equal(counted(xpti.entries, 'flush nonGlobal/cr3'), 0);
  const plain = await explain(catalog, 'xen:xpti=off', 'syscall', 1);
  assert.equal(counted(plain.entries, 'event cr3Writes'), 2);
  assert.equal(counted(plain.entries, 'flush nonGlobal/cr3'), 2);
  // the guest kernel's own pages are not global: each of its footprint pages misses after the first toggle
  assert.equal(counted(plain.entries, 'tlb misses'), SYSCALL_FOOTPRINT_PAGES);
  assert.deepEqual(steps(plain.entries).map((e) => e.mechanism).filter((m) => m === 'syscall-pt-switch').length, 2);
});

test('an operation that cannot repeat is explained cold and says so; one that can is warmed up', () => {
  for (const name of ['map', 'unmap', 'shootdown', 'exit']) {
    const s = scenarioFor(catalog, name, 1);
    assert.notEqual(s.cold, null, name);
    assert.deepEqual(s.warmup, [], name);
  }
  const sw = scenarioFor(catalog, 'switch', 1);
  // to pid 2 and back to pid 1, so the traced switch to pid 2 is the loop's steady state
  assert.deepEqual(sw.warmup, [{ op: 'switch', to: 2 }, { op: 'switch', to: 1 }]);
  assert.match(renderExplainText({ engine: 'native', profile: 'intel-modern', scenario: scenarioFor(catalog, 'map', 1), entries: [], counters: emptyCounters() }), /the first, cold one/);
});

test('a workload is explained by its first measured operation, once, on its setup', async () => {
  const s = scenarioFor(catalog, 'micro/set-cr3', 1);
  assert.deepEqual(s.op, { op: 'switch', to: 2 });
  assert.match(s.derived ?? '', /first of 2,000 measured operations/);
  const cpuid = scenarioFor(catalog, 'micro/cpuid', 1);
  assert.deepEqual(cpuid.op, { op: 'cpuid', count: 1 });
  assert.match(cpuid.derived ?? '', /one of the 10,000 it repeats/);
  for (const w of catalog.workloads.filter((x) => x.category === 'micro')) {
    for (const spec of ['native', 'xen', 'kvm']) {
      const x = await explain(catalog, spec, w.id, 1);
      assert.ok(Math.abs(stepCycles(x.entries) - x.counters.cycles.total) <= 1e-9 * x.counters.cycles.total, `${w.id} on ${spec}`);
    }
  }
});

test('fields override an operation\'s defaults and are checked like a workload file\'s', async () => {
  const x = await explain(catalog, 'kvm', 'msr {index:0x830, write:true}', 1);
  assert.deepEqual(x.scenario.op, { op: 'msr', index: 0x830, write: true, count: 1 });
  await assert.rejects(explain(catalog, 'kvm', 'touch {pages:1}', 1), (e: unknown) => e instanceof UsageError && /touch: pages: unknown field/.test(e.message));
  await assert.rejects(explain(catalog, 'kvm', 'touch {write:maybe}', 1), (e: unknown) => e instanceof UsageError && /write: expected boolean/.test(e.message));
  await assert.rejects(explain(catalog, 'kvm', 'sycall', 1), (e: unknown) => e instanceof UsageError && /unknown operation "sycall"/.test(e.message));
  await assert.rejects(explain(catalog, 'kvm', 'phase', 1), (e: unknown) => e instanceof UsageError && /end of setup/.test(e.message));
  await assert.rejects(explain(catalog, 'kvm-host', 'cpuid', 1), (e: unknown) => e instanceof UsageError && /measured engine/.test(e.message));
});

function emptyCounters() {
  return {
    cycles: { total: 0, guest: 0, hypervisor: 0, host: 0, idle: 0 }, attribution: {}, exits: { total: 0, byReason: {} },
    hypercalls: { total: 0, byOp: {} }, tlb: { flushes: { total: 0, byScope: {}, byCause: {} }, misses: 0, walkRefs: 0 }, events: {},
  };
}
