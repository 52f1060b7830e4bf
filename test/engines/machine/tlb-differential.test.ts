import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counters } from '../../../engines/machine/counters.ts';
import { SetAssociativeTlb } from '../../../engines/machine/tlb.ts';
import { PagingStructureCache } from '../../../engines/machine/paging-structure-cache.ts';
import { PTE_D, PTE_G, PTE_P, PTE_RW } from '../../../engines/machine/pte.ts';
import type { TlbProfile } from '../../../engines/machine/profile.ts';
import type { FlushCause } from '../../../engines/types.ts';
import type { PageSizeCode } from '../../../engines/machine/types.ts';
import { Rng } from '../../../engines/rng.ts';
import { ReferenceTlb } from './reference-tlb.ts';

const GEOMETRIES: TlbProfile[] = [
  { l1: { sets: 2, ways: 2 }, l1Huge: { sets: 1, ways: 2 }, l2: { sets: 4, ways: 3 }, l2Huge: { sets: 2, ways: 2 }, l1HitCycles: 4, l2HitCycles: 9 },
  { l1: { sets: 16, ways: 4 }, l1Huge: { sets: 8, ways: 4 }, l2: { sets: 128, ways: 12 }, l2Huge: { sets: 128, ways: 12 }, l1HitCycles: 4, l2HitCycles: 9 },
];
const CAUSES: FlushCause[] = ['cr3', 'invlpg', 'vmentry'];

test('SetAssociativeTlb (set-liveness epochs, one-pass insert) behaves exactly like the reference TLB', () => {
  for (const [g, geometry] of GEOMETRIES.entries()) {
    const rng = new Rng(100 + g);
    const caches = { pml4: 2, pdpt: 4, pd: 8 };
    const fastCounters = new Counters();
    const refCounters = new Counters();
    const fast = new SetAssociativeTlb(geometry, fastCounters, new PagingStructureCache(caches));
    const ref = new ReferenceTlb(geometry, refCounters, new PagingStructureCache(caches));
    // a working set a few times the TLB, three PCIDs, two VPIDs, some global and huge entries
    const pages = 4 * (geometry.l2.sets * geometry.l2.ways);
    const vpn = (): number => (rng.int(8) === 0 ? 2 ** 33 : 0) + rng.int(pages);
    for (let step = 0; step < 30000; step++) {
      const op = rng.int(100);
      const pcid = rng.int(3);
      const vpid = rng.int(2);
      if (op < 50) {
        const v = vpn();
        const hit = fast.lookup(v, pcid, vpid);
        assert.equal(hit, ref.lookup(v, pcid, vpid), `lookup at step ${step}`);
        if (hit) assert.deepEqual([fast.frame, fast.flags, fast.hitLevel], [ref.frame, ref.flags, ref.hitLevel]);
      } else if (op < 90) {
        const size = (rng.int(10) === 0 ? 1 + rng.int(2) : 0) as PageSizeCode;
        const flags = PTE_P | (rng.int(2) === 0 ? PTE_RW : 0) | (rng.int(2) === 0 ? PTE_D : 0) | (rng.int(6) === 0 ? PTE_G : 0);
        const v = vpn();
        const frame = rng.int(1 << 20);
        fast.fill(v, size, pcid, vpid, frame, flags);
        ref.fill(v, size, pcid, vpid, frame, flags);
      } else if (op < 95) {
        const v = vpn();
        const cause = CAUSES[rng.int(3)];
        fast.invalidatePage(v, pcid, vpid, cause);
        ref.invalidatePage(v, pcid, vpid, cause);
      } else if (op < 98) {
        fast.flushNonGlobal(vpid, 'cr3');
        ref.flushNonGlobal(vpid, 'cr3');
      } else if (op < 99) {
        const p = rng.int(2) === 0 ? -1 : pcid;
        fast.flushTag(p, vpid, 'hypercall');
        ref.flushTag(p, vpid, 'hypercall');
      } else if (rng.int(2) === 0) {
        fast.flushAll('vmentry');
        ref.flushAll('vmentry');
      } else {
        // CR4.PGE toggled: a change flushes everything; entries filled while it is clear are not global
        const on = rng.int(2) === 0;
        fast.setPge(on, 'cr3');
        ref.setPge(on, 'cr3');
      }
      if (step % 97 === 0) assert.equal(fast.size, ref.size, `size at step ${step}`);
    }
    assert.deepEqual(fastCounters.snapshot(), refCounters.snapshot());
  }
});
