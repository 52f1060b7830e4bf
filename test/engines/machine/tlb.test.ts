import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counters } from '../../../engines/machine/counters.ts';
import { SetAssociativeTlb } from '../../../engines/machine/tlb.ts';
import { PagingStructureCache, walkTag } from '../../../engines/machine/paging-structure-cache.ts';
import { PTE_D, PTE_G, PTE_P, PTE_RW } from '../../../engines/machine/pte.ts';
import type { TlbProfile } from '../../../engines/machine/profile.ts';

// 2 sets × 2 ways per level: small enough to reason about eviction exactly
const tiny: TlbProfile = {
  l1: { sets: 2, ways: 2 }, l1Huge: { sets: 1, ways: 2 },
  l2: { sets: 2, ways: 2 }, l2Huge: { sets: 1, ways: 2 },
  l1HitCycles: 4, l2HitCycles: 9,
};
const RW = PTE_P | PTE_RW | PTE_D;

test('hit returns the frame of the page itself, with flags and level', () => {
  const tlb = new SetAssociativeTlb(tiny, new Counters());
  assert.equal(tlb.lookup(10, 0, 0), false);
  tlb.fill(10, 0, 0, 0, 777, RW);
  assert.ok(tlb.lookup(10, 0, 0));
  assert.deepEqual([tlb.frame, tlb.flags, tlb.hitLevel], [777, RW, 1]);
  // a 2 MiB entry covers its 512 pages and yields each page's own frame
  tlb.fill(1024 + 3, 1, 0, 0, 4096, RW);
  assert.ok(tlb.lookup(1024 + 500, 0, 0));
  assert.equal(tlb.frame, 4096 + 500);
  assert.equal(tlb.lookup(1024 + 512, 0, 0), false);
  // a 1 GiB entry
  tlb.fill(2 ** 18 * 3, 2, 0, 0, 2 ** 20, RW);
  assert.ok(tlb.lookup(2 ** 18 * 3 + 1000, 0, 0));
  assert.equal(tlb.frame, 2 ** 20 + 1000);
});

test('LRU evicts the least recently used way of each set; L1 hits do not refresh L2', () => {
  const tlb = new SetAssociativeTlb(tiny, new Counters());
  // vpns 0, 2, 4 all map to set 0 of both levels
  tlb.fill(0, 0, 0, 0, 100, RW);
  tlb.fill(2, 0, 0, 0, 102, RW);
  assert.ok(tlb.lookup(0, 0, 0)); // an L1 hit: 0 becomes most recent in L1 only
  tlb.fill(4, 0, 0, 0, 104, RW); // L1 evicts 2 (its LRU), L2 evicts 0 (its LRU)
  assert.ok(tlb.lookup(0, 0, 0));
  assert.equal(tlb.hitLevel, 1);
  assert.ok(tlb.lookup(2, 0, 0));
  assert.equal(tlb.hitLevel, 2, '2 survives only in L2; promoting it evicts 4, now L1\'s LRU');
  assert.ok(tlb.lookup(4, 0, 0));
  assert.equal(tlb.hitLevel, 2);
  assert.ok(tlb.lookup(4, 0, 0));
  assert.equal(tlb.hitLevel, 1);
  // vpn 0 was evicted from L2 and then from L1 by the promotions of 2 and 4
  assert.equal(tlb.lookup(0, 0, 0), false);
  // a different set is unaffected
  tlb.fill(1, 0, 0, 0, 101, RW);
  assert.ok(tlb.lookup(1, 0, 0));
  assert.equal(tlb.size, 6, 'sets 0 and 1 of both levels: 2 + 1 entries each');
});

test('an L1 miss that hits L2 reports level 2 and promotes the entry', () => {
  const tlb = new SetAssociativeTlb({ ...tiny, l2: { sets: 2, ways: 4 } }, new Counters());
  for (const vpn of [0, 2, 4]) tlb.fill(vpn, 0, 0, 0, 100 + vpn, RW); // L1 set 0 keeps 2 and 4
  assert.ok(tlb.lookup(0, 0, 0));
  assert.equal(tlb.hitLevel, 2);
  assert.equal(tlb.frame, 100);
  assert.ok(tlb.lookup(0, 0, 0));
  assert.equal(tlb.hitLevel, 1);
});

test('CR3 write without PCID drops non-global entries and keeps global ones', () => {
  const c = new Counters();
  const tlb = new SetAssociativeTlb(tiny, c);
  tlb.fill(1, 0, 0, 0, 11, RW | PTE_G);
  tlb.fill(2, 0, 0, 0, 12, RW);
  tlb.flushNonGlobal(0, 'cr3');
  assert.ok(tlb.lookup(1, 0, 0));
  assert.equal(tlb.lookup(2, 0, 0), false);
  // entries filled after the flush are live again
  tlb.fill(2, 0, 0, 0, 12, RW);
  assert.ok(tlb.lookup(2, 0, 0));
  tlb.flushAll('hypercall');
  assert.equal(tlb.lookup(1, 0, 0), false);
  assert.equal(tlb.size, 0);
  assert.deepEqual(c.snapshot().tlb.flushes, { total: 2, byScope: { full: 1, nonGlobal: 1 }, byCause: { cr3: 1, hypercall: 1 } });
});

test('CR4.PGE: a change flushes everything; with PGE clear the G bit is ignored and a CR3 write drops the entry', () => {
  const c = new Counters();
  const tlb = new SetAssociativeTlb(tiny, c);
  tlb.fill(1, 0, 0, 0, 11, RW | PTE_G);
  // setting PGE when it is already set changes nothing and flushes nothing
  tlb.setPge(true, 'cr3');
  assert.ok(tlb.lookup(1, 0, 0));
  // clearing it flushes the global entry too (1 full flush)
  tlb.setPge(false, 'cr3');
  assert.equal(tlb.size, 0);
  // filled with G while PGE is clear: not global, so the next CR3 write drops it (1 nonGlobal flush)
  tlb.fill(1, 0, 0, 0, 11, RW | PTE_G);
  assert.ok(tlb.lookup(1, 0, 0));
  tlb.flushNonGlobal(0, 'cr3');
  assert.equal(tlb.lookup(1, 0, 0), false);
  // PGE set again: a second full flush; G entries filled now survive CR3 writes again
  tlb.setPge(true, 'cr3');
  tlb.fill(1, 0, 0, 0, 11, RW | PTE_G);
  tlb.flushNonGlobal(0, 'cr3');
  assert.ok(tlb.lookup(1, 0, 0));
  assert.deepEqual(c.snapshot().tlb.flushes, { total: 4, byScope: { full: 2, nonGlobal: 2 }, byCause: { cr3: 4 } });
});

test('PCID and VPID tags separate address spaces; flushTag drops one tag', () => {
  const tlb = new SetAssociativeTlb(tiny, new Counters());
  tlb.fill(5, 0, 1, 0, 51, RW);
  tlb.fill(5, 0, 2, 0, 52, RW);
  tlb.fill(7, 0, 1, 3, 73, RW);
  assert.ok(tlb.lookup(5, 2, 0));
  assert.equal(tlb.frame, 52);
  assert.equal(tlb.lookup(7, 1, 0), false, 'another VPID does not match');
  tlb.flushTag(1, 0, 'cr3');
  assert.equal(tlb.lookup(5, 1, 0), false);
  assert.ok(tlb.lookup(5, 2, 0));
  assert.ok(tlb.lookup(7, 1, 3));
  tlb.flushTag(-1, 3, 'vmentry');
  assert.equal(tlb.lookup(7, 1, 3), false);
  // a flush of VPID 0's non-global entries leaves VPID 3 alone
  tlb.fill(7, 0, 1, 3, 73, RW);
  tlb.flushNonGlobal(0, 'cr3');
  assert.ok(tlb.lookup(7, 1, 3));
});

test('INVLPG drops the page (global too, huge pages covering it too) and the PWC entries of the PCID', () => {
  const pwc = new PagingStructureCache({ pml4: 2, pdpt: 2, pd: 2 });
  const tlb = new SetAssociativeTlb(tiny, new Counters(), pwc);
  tlb.fill(9, 0, 0, 0, 90, RW | PTE_G);
  tlb.fill(512, 1, 0, 0, 1024, RW);
  pwc.pd.fill(1, walkTag(0, 0), 33, 7);
  pwc.pd.fill(1, walkTag(1, 0), 34, 7);
  tlb.invalidatePage(9, 0, 0, 'invlpg');
  tlb.invalidatePage(600, 0, 0, 'invlpg');
  assert.equal(tlb.lookup(9, 0, 0), false);
  assert.equal(tlb.lookup(512, 0, 0), false);
  assert.equal(pwc.pd.lookup(1, walkTag(0, 0)), false);
  assert.ok(pwc.pd.lookup(1, walkTag(1, 0)), 'another PCID keeps its PWC entries');
});
