import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../engines/rng.ts';
import type { RunCounters } from '../../../engines/types.ts';
import { applyParams, builtinWorkloads } from '../../../workloads/registry.ts';
import { run } from '../../engines/guest/run-engine.ts';

function runWorkload(id: string, engine: string, params: Record<string, number>): RunCounters {
  const w = builtinWorkloads().find((x) => x.id === id)!;
  return run(engine, [...w.generate(applyParams(w, params), new Rng(1))], 'intel-modern', 1);
}

test('set-page-table measures the guest populating its tables in RAM the host already backed', () => {
  // 4 MiB = 1,024 pages. Setup writes them once (the host backs the guest frames: EPT violations) and unmaps
  // them; the measured pass gets the same frames back from the guest's free list, so it faults 1,024 times
  // in the guest and never exits for memory
  const kvm = runWorkload('micro/set-page-table', 'kvm', { regionMiB: 4 });
  assert.equal(kvm.events.pageFaults, 1024);
  assert.equal(kvm.exits.byReason.EPT_VIOLATION, undefined);
  assert.ok((kvm.setup?.exits.byReason.EPT_VIOLATION ?? 0) >= 2, 'setup backed the 2 MiB blocks of the range');
});

test('cold-access reads each pre-mapped page once: one TLB miss per read, no fault', () => {
  // 16 MiB = 4,096 pages, faulted in during setup in order. The STLB (128 sets × 12 ways, LRU) then holds the
  // last 1,536 pages, 12 per set; reading again from page 0, each set takes 20 new pages before it reaches its
  // survivors, which are evicted by then: all 4,096 reads miss
  for (const engine of ['native', 'kvm']) {
    const r = runWorkload('micro/cold-access', engine, { regionMiB: 16 });
    assert.equal(r.tlb.misses, 4096, engine);
    assert.equal(r.events.pageFaults, undefined, engine);
    assert.equal(r.setup?.events.pageFaults, 4096, engine);
  }
});

test('hot-access and set-cr3 measure TLB hits and CR3 writes only: no miss, fault or memory exit on kvm', () => {
  // 64 pages fill the L1 DTLB's 16 sets × 4 ways exactly; with PCIDs a switch keeps both processes' entries
  const hot = runWorkload('micro/hot-access', 'kvm', { accesses: 1000 });
  assert.equal(hot.tlb.misses, 0);
  assert.equal(hot.events.pageFaults, undefined);
  const cr3 = runWorkload('micro/set-cr3', 'kvm', { count: 100 });
  assert.equal(cr3.exits.total, 0);
  assert.equal(cr3.events.contextSwitches, 100);
});
