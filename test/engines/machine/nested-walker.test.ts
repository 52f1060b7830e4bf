import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NestedWalker2D } from '../../../engines/machine/nested-walker.ts';
import { PagingStructureCache } from '../../../engines/machine/paging-structure-cache.ts';
import { EPT_A, EPT_D, EPT_FORMAT, PTE_A, PTE_D, PTE_RW, X86_FORMAT } from '../../../engines/machine/pte.ts';
import { FAULT_EPT_VIOLATION, FAULT_NOT_PRESENT, type PageSizeCode } from '../../../engines/machine/types.ts';
import { CACHES, Fixture, NO_CACHES } from './walk-fixture.ts';
import type { PagingStructureCacheProfile } from '../../../engines/machine/profile.ts';

const BASE = 0x5555_0000_0000;

function nested(fx: Fixture, caches: PagingStructureCacheProfile = CACHES): NestedWalker2D {
  return new NestedWalker2D(fx.guest, fx.host, X86_FORMAT, new PagingStructureCache(caches), caches);
}

function coldRefs(guestSize: PageSizeCode, eptSize: PageSizeCode): [number, number] {
  const fx = new Fixture();
  fx.mapGuest(BASE, 1, guestSize);
  fx.backAll(eptSize);
  const r = nested(fx, NO_CACHES).walk(fx.root, fx.eptRoot, BASE + 17, false, true, 0);
  assert.equal(r.fault, 0);
  return [r.refs, r.nestedRefs];
}

test('a cold 2-D walk makes (4+1)(4+1)−1 = 24 references, 20 of them in EPT tables', () => {
  assert.deepEqual(coldRefs(0, 0), [24, 20]);
});

test('2 MiB pages shorten either dimension: (3+1)(4+1)−1, (4+1)(3+1)−1, (3+1)(3+1)−1', () => {
  assert.deepEqual(coldRefs(1, 0), [19, 16]);
  assert.deepEqual(coldRefs(0, 1), [19, 15]);
  assert.deepEqual(coldRefs(1, 1), [15, 12]);
});

test('the frame is the host frame behind the guest frame', () => {
  const fx = new Fixture();
  const gfn = fx.mapGuest(BASE, 4, 0);
  fx.backAll(0);
  const r = nested(fx).walk(fx.root, fx.eptRoot, BASE + 2 * 4096, false, true, 0);
  assert.ok(fx.ept.read(fx.eptRoot, (gfn + 2) * 4096));
  assert.equal(r.frame, (fx.ept.lo >>> 12) + (fx.ept.hi & 0xfffff) * 2 ** 20);
});

test('nested TLB and paging-structure caches cut repeat walks far below 24', () => {
  const fx = new Fixture();
  fx.mapGuest(BASE, 64, 0);
  fx.backAll(0);
  const w = nested(fx);
  assert.ok(w.walk(fx.root, fx.eptRoot, BASE, false, true, 0).refs < 24, 'EPT caches help within the first walk');
  // neighbour page: guest PDE-cache hit, PT's gPA in the nested TLB, 1 guest ref + 1 EPT ref (EPT PDE cache)
  const r = w.walk(fx.root, fx.eptRoot, BASE + 4096, false, true, 0);
  assert.deepEqual([r.refs, r.nestedRefs], [2, 1]);
  let total = 0;
  for (let i = 2; i < 64; i++) total += w.walk(fx.root, fx.eptRoot, BASE + i * 4096, false, true, 0).refs;
  assert.equal(total / 62, 2, 'a sequential sweep averages 2 references per walk');
});

test('an unbacked guest-physical page or guest table is an EPT violation with its gPA', () => {
  const fx = new Fixture();
  fx.mapGuest(BASE, 2, 0);
  fx.backAll(0);
  const unbacked = fx.guest.allocContiguous(1 << 16); // far beyond what backAll covered
  fx.guestTables.map(fx.root, BASE + 4096, unbacked, 0, PTE_RW, 0); // same PT: no new table
  const w = nested(fx, NO_CACHES);
  assert.equal(w.walk(fx.root, fx.eptRoot, BASE, false, true, 0).fault, 0);
  let r = w.walk(fx.root, fx.eptRoot, BASE + 4096 + 123, true, false, 0);
  assert.equal(r.fault, FAULT_EPT_VIOLATION);
  assert.equal(r.faultGpa, unbacked * 4096 + 123);
  // a new guest page table allocated after the EPT was built faults on the table itself
  fx.mapGuest(BASE + 2 ** 30, 1, 0);
  fx.guestTables.locate(fx.root, BASE + 2 ** 30, 2, false); // the new PD is the first unbacked table
  r = w.walk(fx.root, fx.eptRoot, BASE + 2 ** 30, false, true, 0);
  assert.equal(r.fault, FAULT_EPT_VIOLATION);
  assert.equal(r.faultGpa, fx.guestTables.tableFrame * 4096);
  // a guest fault is still a guest fault
  assert.equal(w.walk(fx.root, fx.eptRoot, BASE + 2 * 4096, false, true, 0).fault, FAULT_NOT_PRESENT);
});

test('2-D walks set guest A/D in guest memory and EPT A/D in host memory', () => {
  const fx = new Fixture();
  const gfn = fx.mapGuest(BASE, 1, 0);
  fx.backAll(0);
  const w = nested(fx, NO_CACHES);
  w.walk(fx.root, fx.eptRoot, BASE, false, true, 0);
  fx.ept.read(fx.eptRoot, gfn * 4096);
  assert.equal(fx.ept.lo & (EPT_A | EPT_D), EPT_A);
  const r = w.walk(fx.root, fx.eptRoot, BASE, true, true, 0);
  assert.ok((r.flags & PTE_D) !== 0 && (r.flags & PTE_RW) !== 0);
  fx.ept.read(fx.eptRoot, gfn * 4096);
  assert.equal(fx.ept.lo & (EPT_A | EPT_D), EPT_A | EPT_D);
  fx.guestTables.read(fx.root, BASE);
  assert.equal(fx.guestTables.lo & (PTE_A | PTE_D), PTE_A | PTE_D);
  assert.equal(EPT_FORMAT.dirty, EPT_D);
});

test('a read-only EPT page makes the combined entry read-only and a guest write an EPT violation', () => {
  const fx = new Fixture();
  fx.mapGuest(BASE, 1, 0);
  fx.backAll(0, false);
  const w = nested(fx);
  const r = w.walk(fx.root, fx.eptRoot, BASE, false, true, 0);
  assert.equal(r.fault, 0);
  assert.equal(r.flags & PTE_RW, 0);
  assert.equal(w.walk(fx.root, fx.eptRoot, BASE, true, true, 0).fault, FAULT_EPT_VIOLATION);
});

/** [refs, nestedRefs] of three walks: page 0 (cold), page 1 (same guest PT, same 2 MiB of gPA), page 700 */
function hugeLeafWalks(eptSize: PageSizeCode): number[][] {
  const fx = new Fixture();
  // guest frames: root 0, data 1024–2047 (aligned contiguous), then PDPT 2048, PD 2049, PT 2050 (pages 0–511),
  // PT 2051 (pages 512–1023); in 2 MiB units of gPA: root in region 0, data in 2 and 3, tables in 4
  assert.equal(fx.mapGuest(BASE, 1024, 0), 1024);
  fx.backAll(eptSize);
  const w = nested(fx);
  return [0, 1, 700].map((page) => {
    const r = w.walk(fx.root, fx.eptRoot, BASE + page * 4096, false, true, 0);
    assert.equal(r.fault, 0);
    return [r.refs, r.nestedRefs];
  });
}

test('the nested TLB caches a translation at its EPT leaf size: one huge entry serves every frame inside it', () => {
  // 4 KiB EPT leaves, one nested-TLB entry per frame. Walk 1: root (gfn 0) 4 EPT refs; PDPT (2048) 2 (EPT
  // PDPT-cache hit); PD (2049) 1 and PT (2050) 1 (EPT PD-cache hit); data (1024) 2: 10 EPT + 4 guest refs.
  // Walk 2: guest PD-cache hit, PT in the nested TLB, data 1025 is a new frame: 1 EPT ref (EPT PD-cache hit).
  // Walk 3: guest PDPT-cache hit; PD cached, PT 2051 new (1 EPT ref), data 1724 in a new EPT PT (2 EPT refs).
  assert.deepEqual(hugeLeafWalks(0), [[14, 10], [2, 1], [5, 3]]);
  // 2 MiB EPT leaves, one entry per 2 MiB region. Walk 1: root 3 EPT refs (PML4, PDPT, PD leaf); PDPT 2048
  // opens region 4, 1 ref (EPT PDPT-cache hit); PD and PT are in region 4: 0; data 1024 opens region 2: 1 ref.
  // Walk 2: data 1025 is in region 2: zero EPT references. Walk 3: PD, PT 2051 in region 4: 0; data 1724
  // opens region 3: 1 ref.
  assert.deepEqual(hugeLeafWalks(1), [[9, 5], [1, 0], [3, 1]]);
  // a 1 GiB EPT leaf: the root's EPT walk (PML4, PDPT leaf) caches all of guest-physical memory used here
  assert.deepEqual(hugeLeafWalks(2), [[6, 2], [1, 0], [2, 0]]);
});

test('a huge nested-TLB entry gives each frame its own host frame, and INVEPT drops it', () => {
  for (const eptSize of [1, 2] as const) {
    const fx = new Fixture();
    const gfn = fx.mapGuest(BASE, 1024, 0);
    fx.backAll(eptSize);
    const w = nested(fx);
    const pages = eptSize === 1 ? 512 : 512 * 512;
    for (const page of [0, 1, 300, 511, 512, 1023]) {
      const r = w.walk(fx.root, fx.eptRoot, BASE + page * 4096, page % 2 === 1, true, 0);
      assert.equal(r.fault, 0);
      assert.ok(fx.ept.read(fx.eptRoot, (gfn + page) * 4096));
      assert.equal(fx.ept.size, eptSize);
      assert.equal(r.frame, (fx.ept.lo >>> 12) + (fx.ept.hi & 0xfffff) * 2 ** 20 + ((gfn + page) % pages), `page ${page}`);
      assert.equal(r.size, 0, 'a 4 KiB guest page makes a 4 KiB combined entry whatever the EPT leaf');
    }
    w.invept();
    const r = w.walk(fx.root, fx.eptRoot, BASE + 2 * 4096, false, true, 0);
    // after the walker's INVEPT (EPT-side caches cold; the guest PD cache, which Mmu.invept flushes with the
    // TLB, still names PT 2050 by its host-physical frame, so the PT needs no translation): only the data
    // frame is translated, from the EPT root — PML4, PDPT, PD leaf: 3 with a 2 MiB leaf; PML4, PDPT leaf: 2
    // with a 1 GiB leaf
    assert.equal(r.nestedRefs, eptSize === 1 ? 3 : 2);
  }
});
