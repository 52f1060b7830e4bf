import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Walker1D } from '../../../engines/machine/page-walker.ts';
import { PagingStructureCache } from '../../../engines/machine/paging-structure-cache.ts';
import { PAE_FORMAT, PTE_A, PTE_D, PTE_P, PTE_RW, PTE_US, X86_FORMAT } from '../../../engines/machine/pte.ts';
import { PageTables } from '../../../engines/machine/page-table.ts';
import { SparsePhysicalMemory } from '../../../engines/machine/physical-memory.ts';
import { FAULT_NOT_PRESENT, FAULT_PROTECTION } from '../../../engines/machine/types.ts';
import { CACHES, Fixture, NO_CACHES } from './walk-fixture.ts';

const BASE = 0x5555_0000_0000;

function walker(fx: Fixture, caches = CACHES): Walker1D {
  return new Walker1D(fx.guest, X86_FORMAT, new PagingStructureCache(caches));
}

test('a cold 4-level walk makes 4 references and returns the frame', () => {
  const fx = new Fixture();
  const first = fx.mapGuest(BASE, 4, 0);
  const r = walker(fx).walk(fx.root, BASE + 2 * 4096 + 17, false, true, 0);
  assert.equal(r.fault, 0);
  assert.equal(r.refs, 4);
  assert.equal(r.nestedRefs, 0);
  assert.equal(r.frame, first + 2);
  assert.equal(r.size, 0);
});

test('paging-structure caches cut repeat walks to 1, 2 or 3 references', () => {
  const fx = new Fixture();
  fx.mapGuest(BASE, 2, 0);
  fx.mapGuest(BASE + 2 ** 21, 1, 0); // another PT in the same PD
  fx.mapGuest(BASE + 2 ** 30, 1, 0); // another PD in the same PDPT
  fx.mapGuest(BASE + 2 ** 39, 1, 0); // another PDPT
  const w = walker(fx);
  assert.equal(w.walk(fx.root, BASE, false, true, 0).refs, 4);
  assert.equal(w.walk(fx.root, BASE + 4096, false, true, 0).refs, 1, 'PDE cache hit');
  assert.equal(w.walk(fx.root, BASE + 2 ** 21, false, true, 0).refs, 2, 'PDPTE cache hit');
  assert.equal(w.walk(fx.root, BASE + 2 ** 30, false, true, 0).refs, 3, 'PML4E cache hit');
  assert.equal(w.walk(fx.root, BASE + 2 ** 39, false, true, 0).refs, 4, 'different PML4 slot');
  // another tag does not share the entries
  assert.equal(w.walk(fx.root, BASE + 4096, false, true, 1).refs, 4);
  // without caches every walk is 4
  const cold = walker(fx, NO_CACHES);
  cold.walk(fx.root, BASE, false, true, 0);
  assert.equal(cold.walk(fx.root, BASE + 4096, false, true, 0).refs, 4);
});

test('huge pages end the walk early: 2 MiB in 3 references, 1 GiB in 2', () => {
  const fx = new Fixture();
  const big = fx.mapGuest(BASE, 1, 1);
  const giant = fx.mapGuest(BASE + 2 ** 40, 1, 2);
  const w = walker(fx, NO_CACHES);
  let r = w.walk(fx.root, BASE + 300 * 4096 + 5, true, true, 0);
  assert.deepEqual([r.refs, r.size, r.frame], [3, 1, big + 300]);
  r = w.walk(fx.root, BASE + 2 ** 40 + 70000 * 4096, false, true, 0);
  assert.deepEqual([r.refs, r.size, r.frame], [2, 2, giant + 70000]);
});

test('walks set Accessed on every entry used and Dirty on the leaf of a write only', () => {
  const fx = new Fixture();
  fx.mapGuest(BASE, 2, 0);
  const w = walker(fx, NO_CACHES);
  fx.guestTables.read(fx.root, BASE);
  assert.equal(fx.guestTables.lo & (PTE_A | PTE_D), 0);
  w.walk(fx.root, BASE, false, true, 0);
  fx.guestTables.read(fx.root, BASE);
  assert.equal(fx.guestTables.lo & (PTE_A | PTE_D), PTE_A);
  w.walk(fx.root, BASE + 4096, true, true, 0);
  fx.guestTables.read(fx.root, BASE + 4096);
  assert.equal(fx.guestTables.lo & (PTE_A | PTE_D), PTE_A | PTE_D);
  // the upper levels are Accessed but never Dirty
  for (const level of [4, 3, 2]) {
    fx.guestTables.locate(fx.root, BASE, level, false);
    const lo = fx.guest.readLo(fx.guestTables.tableFrame, fx.guestTables.index);
    assert.equal(lo & (PTE_A | PTE_D), PTE_A, `level ${level}`);
  }
});

test('guest faults: not present, write to read-only, user access to a supervisor page', () => {
  const fx = new Fixture();
  fx.mapGuest(BASE, 1, 0, 0); // read-only, supervisor
  const w = walker(fx, NO_CACHES);
  assert.equal(w.walk(fx.root, BASE + 4096, false, false, 0).fault, FAULT_NOT_PRESENT);
  assert.equal(w.walk(fx.root, BASE + 2 ** 39, false, false, 0).refs, 1, 'stops at the empty PML4 slot');
  assert.equal(w.walk(fx.root, BASE, true, false, 0).fault, FAULT_PROTECTION);
  assert.equal(w.walk(fx.root, BASE, false, true, 0).fault, FAULT_PROTECTION);
  const ok = w.walk(fx.root, BASE, false, false, 0);
  assert.equal(ok.fault, 0);
  assert.equal(ok.flags & PTE_RW, 0);
  fx.guestTables.read(fx.root, BASE);
  assert.equal(fx.guestTables.lo & PTE_D, 0, 'a faulting write sets no Dirty bit');
});

test('PAE: the PDPTE comes from the PDPTE registers, so a cold walk is 2 references, a PDE-cache hit 1, a 2 MiB page 1', () => {
  const mem = new SparsePhysicalMemory();
  const tables = new PageTables(mem, PAE_FORMAT);
  const root = mem.allocFrame();
  // 0x40000000 is PDPT slot 1; 0x80000000 slot 2 (another PD); a 2 MiB page at 0x40400000 in slot 1's PD
  const data = mem.allocContiguous(2);
  tables.map(root, 0x4000_0000, data, 0, PTE_RW | PTE_US, 0);
  tables.map(root, 0x8000_0000, data + 1, 0, PTE_RW | PTE_US, 0);
  const huge = mem.allocContiguous(512);
  tables.map(root, 0x4040_0000, huge, 1, PTE_RW | PTE_US, 0);
  const w = new Walker1D(mem, PAE_FORMAT, new PagingStructureCache(CACHES));
  // PDPTE (register, no reference) → PDE (1) → PTE (1)
  let r = w.walk(root, 0x4000_0000 + 12, false, true, 0);
  assert.deepEqual([r.fault, r.refs, r.frame], [0, 2, data]);
  // the PDE cache names the PT: the PTE alone
  assert.equal(w.walk(root, 0x4000_0000, false, true, 0).refs, 1);
  // another 1 GiB slot: PDE + PTE again; no PML4 / PDPTE cache exists to shorten it
  assert.equal(w.walk(root, 0x8000_0000, false, true, 0).refs, 2);
  // the 2 MiB page is a PDE leaf: one reference, frame + page offset 3
  r = w.walk(root, 0x4040_0000 + 3 * 4096, true, true, 0);
  assert.deepEqual([r.refs, r.size, r.frame], [1, 1, huge + 3]);
  // a PDPTE holds P only (its R/W and U/S bits are reserved), and the walk sets no Accessed bit in it;
  // permissions come from the PDE and PTE: user and writable here
  assert.equal(mem.readLo(root, 1) & 0xfff, PTE_P);
  assert.equal(r.flags & (PTE_RW | PTE_US), PTE_RW | PTE_US);
  // an empty slot (0: nothing below 0x40000000) faults not-present at the PDPTE, without a reference
  r = w.walk(root, 0x1000, false, true, 0);
  assert.deepEqual([r.fault, r.refs], [FAULT_NOT_PRESENT, 0]);
});
