import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counters } from '../../../engines/machine/counters.ts';
import { Mmu } from '../../../engines/machine/mmu.ts';
import { Machine } from '../../../engines/machine/machine.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { PTE_D, PTE_G, PTE_RW, PTE_US, X86_FORMAT } from '../../../engines/machine/pte.ts';
import { PageTables } from '../../../engines/machine/page-table.ts';
import { FAULT_EPT_VIOLATION, FAULT_NOT_PRESENT } from '../../../engines/machine/types.ts';
import { Fixture } from './walk-fixture.ts';
import { walkTag } from '../../../engines/machine/paging-structure-cache.ts';

const BASE = 0x5555_0000_0000;
const intel = getProfile('intel-modern');

function nativeMmu(fx: Fixture, profile = intel): { mmu: Mmu; c: Counters } {
  const c = new Counters();
  const mmu = new Mmu(profile, c, fx.guest);
  mmu.setContext('native', fx.root, 0, 0);
  return { mmu, c };
}

test('a TLB hit costs only the access; a miss charges the walk by reference', () => {
  const fx = new Fixture();
  fx.mapGuest(BASE, 2, 0);
  const { mmu, c } = nativeMmu(fx);
  assert.equal(mmu.access(BASE, false, true), 0);
  assert.equal(mmu.access(BASE + 8, false, true), 0);
  const s = c.snapshot();
  assert.equal(s.tlb.misses, 1);
  assert.equal(s.tlb.walkRefs, 4);
  // the page's first load comes from DRAM (no cache holds it yet), the second from the near caches
  assert.deepEqual(s.attribution, {
    'memory-access': 2 * intel.tlb.l1HitCycles, 'page-walk': 4 * intel.native.memRef, 'data-cache': intel.dataCache.dramCycles,
  });
  assert.deepEqual(s.events, { dramLoads: 1 });
});

test('a load is served by the near caches, the last-level cache or DRAM by how recently its page was touched', () => {
  const { nearPages: N, llcPages: L, llcCycles, dramCycles } = intel.dataCache;
  const fx = new Fixture();
  // 2L pages on frames first … first + 2L − 1, first a multiple of 2L: page i is frame first + i, and pages 0,
  // N and L share a near slot (frame mod N), pages 0 and L an LLC slot (frame mod L)
  fx.mapGuest(BASE, 2 * L, 0);
  const { mmu, c } = nativeMmu(fx);
  const load = (page: number): number => mmu.access(BASE + page * 4096, false, true);
  // 1. page 0: in no cache → DRAM          2. page N: takes page 0's near slot, its own LLC slot → DRAM
  // 3. page 0: near slot holds N, LLC slot still 0 → LLC (a TLB hit: the data path is the same)
  // 4. page L: takes page 0's near and LLC slots → DRAM   5. page 0: in neither → DRAM
  for (const page of [0, N, 0, L, 0]) assert.equal(load(page), 0);
  assert.deepEqual([c.llcLoads, c.dramLoads], [1, 4]);
  const s = c.snapshot();
  assert.equal(s.attribution['data-cache'], llcCycles + 4 * dramCycles);
  assert.deepEqual(s.events, { dramLoads: 4, llcLoads: 1 });
  assert.equal(s.tlb.misses, 3, 'steps 3 and 5 hit the TLB');
  // 6. page 0 again: near → the L1 hit only, nothing more in data-cache
  assert.equal(load(0), 0);
  assert.equal(c.snapshot().attribution['data-cache'], llcCycles + 4 * dramCycles);
});

test('the vCPUs of a machine share the last-level cache, each with near caches of its own', () => {
  const m = new Machine(intel, new Counters(), { vcpus: 2, guestPhysical: false });
  const tables = new PageTables(m.memory, X86_FORMAT);
  const root = m.memory.allocFrame();
  tables.map(root, BASE, m.memory.allocFrame(), 0, PTE_RW | PTE_US, 0);
  for (const mmu of m.mmus) mmu.setContext('native', root, 0, 0);
  // vCPU 0's load brings the page into its near caches and the LLC (DRAM); vCPU 1's finds it in the LLC only;
  // each then finds it near
  for (const cpu of [0, 1, 0, 1]) assert.equal(m.mmus[cpu].access(BASE, false, true), 0);
  assert.deepEqual([m.counters.dramLoads, m.counters.llcLoads], [1, 1]);
});

test('a write through a clean TLB entry misses, and the walk sets Dirty in memory', () => {
  const fx = new Fixture();
  fx.mapGuest(BASE, 1, 0);
  const { mmu, c } = nativeMmu(fx);
  mmu.access(BASE, false, true);
  assert.equal(c.tlbMisses, 1);
  mmu.access(BASE, true, true);
  assert.equal(c.tlbMisses, 2, 'the clean entry cannot serve the write');
  fx.guestTables.read(fx.root, BASE);
  assert.ok((fx.guestTables.lo & PTE_D) !== 0);
  mmu.access(BASE, true, true);
  assert.equal(c.tlbMisses, 2, 'the refilled dirty entry serves writes');
});

test('faults are reported with their address and nothing is cached', () => {
  const fx = new Fixture();
  const { mmu, c } = nativeMmu(fx);
  assert.equal(mmu.access(BASE + 5, true, true), FAULT_NOT_PRESENT);
  assert.deepEqual([mmu.faultCode, mmu.faultVa, mmu.faultWrite], [FAULT_NOT_PRESENT, BASE + 5, true]);
  assert.equal(mmu.tlb.size, 0);
  assert.equal(c.walkRefs, 1);
});

test('CR3 write without PCID keeps global kernel entries and drops user ones', () => {
  const fx = new Fixture();
  const KERNEL = 2 ** 47 + 2 ** 30;
  fx.mapGuest(BASE, 1, 0);
  fx.mapGuest(KERNEL, 1, 0, PTE_RW | PTE_G);
  const { mmu, c } = nativeMmu(fx);
  mmu.access(BASE, false, true);
  mmu.access(KERNEL, false, false);
  mmu.tlb.flushNonGlobal(0, 'cr3');
  mmu.access(KERNEL, false, false);
  assert.equal(c.tlbMisses, 2, 'the global entry survived');
  mmu.access(BASE, false, true);
  assert.equal(c.tlbMisses, 3, 'the user entry was flushed');
  assert.equal(c.walkRefs, 4 + 4 + 4, 'the CR3 write also emptied the paging-structure caches');
});

test('with PCIDs, switching address spaces keeps both sets of entries', () => {
  const fx = new Fixture();
  fx.mapGuest(BASE, 1, 0);
  const { mmu, c } = nativeMmu(fx);
  mmu.setContext('native', fx.root, 1, 0);
  mmu.access(BASE, false, true);
  mmu.setContext('native', fx.root, 2, 0);
  mmu.access(BASE, false, true);
  mmu.setContext('native', fx.root, 1, 0);
  mmu.access(BASE, false, true);
  assert.equal(c.tlbMisses, 2);
});

/** a CPU with EPT but no VPID (Nehalem-era parts without it, modelled from core2-2007): every VM entry flushes */
const noVpid = { ...getProfile('core2-2007'), features: { ...getProfile('core2-2007').features, ept: true }, pwc: intel.pwc };

function nestedMachine(profileOrId: string | typeof noVpid) {
  const profile = typeof profileOrId === 'string' ? getProfile(profileOrId) : profileOrId;
  const fx = new Fixture();
  fx.mapGuest(BASE, 4, 0);
  fx.backAll(0);
  const c = new Counters();
  const mmu = new Mmu(profile, c, fx.host, fx.guest);
  mmu.setContext('nested', fx.root, 0, profile.features.vpid ? 1 : 0, fx.eptRoot);
  return { mmu, c, fx };
}

test('a VPID-tagged entry survives a VM exit/entry; without VPID everything is flushed', () => {
  const tagged = nestedMachine('intel-modern');
  tagged.mmu.access(BASE, false, true);
  tagged.mmu.vmExitEntry();
  tagged.mmu.access(BASE, false, true);
  assert.equal(tagged.c.tlbMisses, 1);
  assert.equal(tagged.c.flushes, 0);

  const { mmu, c } = nestedMachine(noVpid);
  mmu.access(BASE, false, true);
  mmu.vmExitEntry();
  mmu.access(BASE, false, true);
  assert.equal(c.tlbMisses, 2);
  assert.deepEqual(c.snapshot().tlb.flushes, { total: 1, byScope: { full: 1 }, byCause: { vmentry: 1 } });
});

test('nested walks are charged as page-walk (guest refs) plus nested-walk (EPT refs)', () => {
  const { mmu, c } = nestedMachine('intel-modern');
  mmu.access(BASE, false, true);
  const s = c.snapshot();
  const guestRefs = s.attribution['page-walk'] / intel.native.memRef;
  const eptRefs = s.attribution['nested-walk'] / intel.native.memRef;
  assert.equal(guestRefs, 4);
  assert.equal(guestRefs + eptRefs, s.tlb.walkRefs);
  assert.ok(eptRefs >= 4 && eptRefs <= 20);
});

test('an EPT violation is reported with its guest-physical address; INVEPT forgets cached translations', () => {
  const { mmu, fx } = nestedMachine('intel-modern');
  const gfn = fx.guest.allocContiguous(1 << 16);
  fx.guestTables.map(fx.root, BASE + 4 * 4096, gfn, 0, PTE_RW | PTE_US, 0);
  assert.equal(mmu.access(BASE + 4 * 4096 + 8, false, true), FAULT_EPT_VIOLATION);
  assert.equal(mmu.faultGpa, gfn * 4096 + 8);
  fx.ept.map(fx.eptRoot, gfn * 4096, fx.host.allocFrame(), 0, 7, 0);
  mmu.invept();
  assert.equal(mmu.access(BASE + 4 * 4096 + 8, false, true), 0);
});

test('a Machine gives each vCPU its own MMU over shared memory', () => {
  const m = new Machine(intel, new Counters(), { vcpus: 2, guestPhysical: true });
  assert.equal(m.mmus.length, 2);
  assert.notEqual(m.mmus[0].tlb, m.mmus[1].tlb);
  assert.ok(m.guestMemory);
  assert.throws(() => new Machine(intel, new Counters(), { vcpus: 0, guestPhysical: false }));
  const native = new Machine(intel, new Counters(), { vcpus: 1, guestPhysical: false });
  assert.throws(() => native.mmus[0].setContext('nested', 0, 0, 1, 0), /guest-physical/);
});

/** TLB misses after touching `pages` of one guest page of `guestSize` over EPT leaves of `eptSize` (then page 0 again) */
function combinedMisses(guestSize: 0 | 1, eptSize: 0 | 1, pages: number[]): number {
  const fx = new Fixture();
  const gfn = fx.mapGuest(BASE, guestSize === 1 ? 1 : 512, guestSize);
  fx.backAll(eptSize);
  const c = new Counters();
  const mmu = new Mmu(intel, c, fx.host, fx.guest);
  mmu.setContext('nested', fx.root, 0, 1, fx.eptRoot);
  for (const page of [...pages, pages[0]]) {
    assert.equal(mmu.access(BASE + page * 4096 + 8, false, true), 0);
    // the TLB maps the page to the host frame behind its own guest frame
    assert.ok(mmu.tlb.lookup(Math.floor(BASE / 4096) + page, 0, 1));
    assert.ok(fx.ept.read(fx.eptRoot, (gfn + page) * 4096));
    assert.equal(mmu.tlb.frame, (fx.ept.lo >>> 12) + (fx.ept.hi & 0xfffff) * 2 ** 20 + (eptSize === 1 ? (gfn + page) % 512 : 0));
  }
  return c.tlbMisses;
}

test('a 2-D translation is cached in the TLB at the smaller of the guest page and the EPT leaf (SDM §29.4.1)', () => {
  // a 2 MiB guest page over 4 KiB EPT leaves is splintered into 4 KiB TLB entries: two frames miss twice,
  // and touching the first again hits (its own 4 KiB entry)
  assert.equal(combinedMisses(1, 0, [0, 1]), 2);
  assert.equal(combinedMisses(1, 0, [0, 1, 511]), 3);
  // over a 2 MiB EPT leaf: one 2 MiB entry serves the whole page
  assert.equal(combinedMisses(1, 1, [0, 1, 511]), 1);
  // 4 KiB guest pages over a 2 MiB EPT leaf: 4 KiB entries, one miss per page
  assert.equal(combinedMisses(0, 1, [0, 1, 511]), 3);
});

test('n back-to-back VM exits without VPID: n full flushes counted, the TLB empty after the first', () => {
  const { mmu, c } = nestedMachine(noVpid);
  mmu.access(BASE, false, true);
  mmu.vmExitEntry(2 ** 53 - 1);
  assert.equal(mmu.tlb.size, 0);
  assert.deepEqual(c.snapshot().tlb.flushes, { total: 2 ** 53 - 1, byScope: { full: 2 ** 53 - 1 }, byCause: { vmentry: 2 ** 53 - 1 } });
  // with a VPID, entries survive any number of exits and nothing is counted
  const tagged = nestedMachine('intel-modern');
  tagged.mmu.access(BASE, false, true);
  const filled = tagged.mmu.tlb.size;
  assert.ok(filled > 0);
  tagged.mmu.vmExitEntry(1000);
  assert.equal(tagged.mmu.tlb.size, filled);
  assert.equal(tagged.c.flushes, 0);
});

test('INVEPT after an EPT remap: the next access reaches the new frame (combined TLB entries are dropped too)', () => {
  const { mmu, c, fx } = nestedMachine('intel-modern');
  const gfn = fx.guest.allocFrame();
  fx.guestTables.map(fx.root, BASE, gfn, 0, PTE_RW | PTE_US, 0);
  const oldFrame = fx.host.allocFrame();
  fx.ept.map(fx.eptRoot, gfn * 4096, oldFrame, 0, 7, 0);
  assert.equal(mmu.access(BASE, false, true), 0);
  const vpn = BASE / 4096;
  assert.ok(mmu.tlb.lookup(vpn, mmu.pcid, mmu.vpid));
  assert.equal(mmu.tlb.frame, oldFrame);
  // the hypervisor moves the page (KSM, migration, compaction) and rewrites the EPT leaf
  const newFrame = fx.host.allocFrame();
  fx.ept.map(fx.eptRoot, gfn * 4096, newFrame, 0, 7, 0);
  // without INVEPT the combined mapping still serves the old frame
  assert.ok(mmu.tlb.lookup(vpn, mmu.pcid, mmu.vpid));
  assert.equal(mmu.tlb.frame, oldFrame);
  const misses = c.tlbMisses;
  mmu.invept();
  assert.equal(mmu.tlb.lookup(vpn, mmu.pcid, mmu.vpid), false);
  assert.equal(mmu.access(BASE, false, true), 0);
  // one miss, one 2-D walk, and the filled entry holds the new frame
  assert.equal(c.tlbMisses, misses + 1);
  assert.ok(mmu.tlb.lookup(vpn, mmu.pcid, mmu.vpid));
  assert.equal(mmu.tlb.frame, newFrame);
});

test('a combined paging-structure-cache entry holds the host-physical frame of the table it names', () => {
  const { mmu, fx } = nestedMachine('intel-modern');
  const gfn = fx.guest.allocFrame();
  fx.guestTables.map(fx.root, BASE, gfn, 0, PTE_RW | PTE_US, 0);
  const hostOf = new Map<number, number>();
  // back every guest frame handed out so far (root, PDPT, PD, PT, data) one by one
  for (let g = 0; g <= gfn; g++) {
    const h = fx.host.allocFrame();
    hostOf.set(g, h);
    fx.ept.map(fx.eptRoot, g * 4096, h, 0, 7, 0);
  }
  assert.equal(mmu.access(BASE, false, true), 0);
  // the PDE cache maps va bits 47:21 to the page table: its guest frame for reading, its host frame beside
  const pdKey = Math.floor(BASE / 4096 / 512);
  assert.ok(mmu.pwc.pd.lookup(pdKey, walkTag(mmu.pcid, mmu.vpid)));
  assert.notEqual(mmu.pwc.pd.host, mmu.pwc.pd.frame);
  assert.equal(mmu.pwc.pd.host, hostOf.get(mmu.pwc.pd.frame));
});

test('a page fault drops the faulting page and the PWC entries on its path, nothing else, and counts no flush', () => {
  const fx = new Fixture();
  fx.mapGuest(BASE, 2, 0, PTE_US); // two read-only user pages under one page table
  const { mmu, c } = nativeMmu(fx);
  const tag = walkTag(0, 0);
  mmu.access(BASE, false, true); // 4 refs; fills the PML4E, PDPTE and PDE caches and the TLB
  mmu.access(BASE + 4096, false, true); // PDE-cache hit: 1 ref
  assert.equal(c.walkRefs, 5);
  // the write finds a read-only TLB entry, re-walks (PDE hit: 1 ref) and faults on the read-only PTE
  assert.notEqual(mmu.access(BASE, true, true), 0);
  assert.equal(c.walkRefs, 6);
  assert.equal(c.flushes, 0, 'a fault is not an invalidation instruction');
  const pdptKey = Math.floor(BASE / 4096 / (512 * 512));
  assert.equal(mmu.pwc.pd.lookup(Math.floor(BASE / 4096 / 512), tag), false);
  assert.equal(mmu.pwc.pdpt.lookup(pdptKey, tag), false);
  assert.equal(mmu.pwc.pml4.lookup(pdptKey >>> 9, tag), false);
  // the other page's translation survives: a TLB hit, no walk
  mmu.access(BASE + 4096, false, true);
  assert.equal(c.walkRefs, 6);
  // the faulting page walks again from the root: 4 refs
  mmu.access(BASE, false, true);
  assert.equal(c.walkRefs, 10);
});
