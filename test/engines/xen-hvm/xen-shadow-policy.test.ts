// Xen's shadow paging for an HVM guest on a CPU without EPT (core2-2007): the shared shadow MMU under Xen's
// policy (engines/xen-hvm/xen-shadow-policy.ts) — SHADOW_OOS_PAGES = 3 out-of-sync tables per vCPU in Xen's
// open hash, snapshot resyncs at every CR3 write, sh_prefetch's 32 entries forward, early unshadow on the second
// zero store, HVMOP_pagetable_dying at exit. Counts derived by hand from those rules; xenalyze's names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { delta } from '../guest/run-engine.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { XenHvmPlatform } from '../../../engines/xen-hvm/xen-hvm-platform.ts';
import { MEMSLOT_BASE } from '../../../engines/hardware-assisted/shadow-mmu.ts';
import { entryHi, entryLo, PTE_A, PTE_D, PTE_P, PTE_RW, PTE_US } from '../../../engines/machine/pte.ts';
import { FAULT_NONE } from '../../../engines/machine/types.ts';

const CORE2 = getProfile('core2-2007');
const { native, hvm } = CORE2;
const LINK = PTE_P | PTE_RW | PTE_US | PTE_A;
const DATA = PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D;
/** PML4 slot 128, PDPT slot 0: PD entry `pt` maps leaf table `pt` (2 MiB each) */
const va = (pt: number, index: number) => 0x4000_0000_0000 + pt * 2 ** 21 + index * 4096;

/** a Xen HVM guest on core2-2007 with `tables` leaf tables at consecutive guest frames, each mapping `pages`
 *  pages with `flags(index)`, written straight into guest memory before anything is shadowed; root loaded */
function xenShadow(tables: number, pages: number, flags: (index: number) => number = () => DATA) {
  const p = new XenHvmPlatform(CORE2, { mode: 'hvm', io: 'pv', pod: false, ipi: 'evtchn', blk: 'persistent', net: 'copy' });
  const m = p.memory;
  const link = (table: number, index: number, child: number, f: number) => m.write(table, index, entryLo(child, f), entryHi(child, 0));
  const root = m.allocFrame();
  const pdpt = m.allocFrame();
  const pd = m.allocFrame();
  const pt = m.allocContiguous(tables);
  link(root, 128, pdpt, LINK);
  link(pdpt, 0, pd, LINK);
  for (let t = 0; t < tables; t++) {
    link(pd, t, pt + t, LINK);
    for (let i = 0; i < pages; i++) link(pt + t, i, m.allocFrame(), flags(i));
  }
  p.switchAddressSpace(root, 0, true);
  const ev = (name: string) => p.counters.events[name] ?? 0;
  const at = (name: string) => p.counters.attribution[name] ?? 0;
  return { p, pd, pt, ev, at };
}

test('Xen keeps 3 out-of-sync tables per vCPU: a fourth unsync crushes one (oos_hash_add), and a CR3 write resyncs the rest against their snapshots', () => {
  const { p, pt, ev, at } = xenShadow(4, 2);
  for (let t = 0; t < 4; t++) assert.equal(p.access(va(t, 0), false), FAULT_NONE);
  // each first read is a fixup; sh_prefetch then fills entry 1 (present, accessed, dirty) and skips the
  // non-present rest of its 32: 4 fixups, 4 prefetched; shadows promoted: root, PDPT, PD and the 4 tables
  assert.equal(ev('shadow:fixup'), 4);
  assert.equal(ev('shadow:prefetch'), 4);
  assert.equal(ev('shadow:promote'), 7);
  // the guest remaps entry 0 of each table: the first store to a shadowed leaf table traps and unsyncs it
  const moved: number[] = [];
  for (let t = 0; t < 4; t++) {
    moved.push(p.memory.allocFrame());
    p.writeEntry(pt + t, 0, entryLo(moved[t], DATA), entryHi(moved[t], 0));
  }
  // the tables are frames g..g+3, homes a, a+1, a+2, a (mod 3): the first three take their home slots; the
  // fourth finds table 0 at home in slot a, punts it to slot a+1 and crushes table 1 there — one eviction,
  // whose resync compares its 2 present entries with the snapshot and re-propagates the 1 that changed
  assert.equal(ev('shadow:fixup'), 8);
  assert.equal(ev('shadow:unsync'), 4);
  assert.equal(ev('shadow:oos-evict'), 1);
  assert.equal(ev('shadow:resync'), 1);
  assert.equal(at('shadow-oos-snapshot'), 4 * native.pageCopy);
  assert.equal(at('shadow-resync'), 2 * native.pteWrite + hvm.shadowSyncEntry);
  // the evicted table is in sync again: after the guest's INVLPG its new entry 0 is served without a fault
  const served = (v: number) => (assert.ok(p.mmu.tlb.lookup(v / 4096, 0, p.mmu.vpid)), p.mmu.tlb.frame);
  p.invalidatePage(va(1, 0));
  assert.equal(p.access(va(1, 0), false), FAULT_NONE);
  assert.equal(ev('shadow:fixup'), 8);
  assert.equal(served(va(1, 0)), moved[1] + MEMSLOT_BASE);
  // a CR3 reload (sh_update_cr3) resyncs the 3 still out of sync, the same work each
  p.flushLocal();
  assert.equal(p.counters.exits.CR_ACCESS, 2);
  assert.equal(ev('shadow:resync'), 4);
  assert.equal(at('shadow-resync'), 4 * (2 * native.pteWrite + hvm.shadowSyncEntry));
  for (const t of [0, 2, 3]) {
    assert.equal(p.access(va(t, 0), false), FAULT_NONE);
    assert.equal(served(va(t, 0)), moved[t] + MEMSLOT_BASE);
  }
  assert.equal(ev('shadow:fixup'), 8);
});

test('sh_prefetch fills up to 31 entries after the fault and stops at one that would fault again for its dirty bit', () => {
  const full = xenShadow(1, 40);
  full.p.access(va(0, 3), false);
  // dist = min(PREFETCH_DISTANCE 32, 512 − 3) = 32, entries i = 1..31 after index 3: 4..34
  assert.equal(full.ev('shadow:fixup'), 1);
  assert.equal(full.ev('shadow:prefetch'), 31);
  for (let i = 4; i <= 34; i++) full.p.access(va(0, i), true);
  assert.equal(full.ev('shadow:fixup'), 1);
  full.p.access(va(0, 35), false);
  assert.equal(full.ev('shadow:fixup'), 2);
  // entry 10 writable but clean: a write would fault for the D bit, so sh_prefetch stops there (4..9)
  const clean = xenShadow(1, 40, (i) => (i === 10 ? DATA & ~PTE_D : DATA));
  clean.p.access(va(0, 3), false);
  assert.equal(clean.ev('shadow:prefetch'), 6);
});

test('early unshadow: the second emulated zero store in a row to a table unshadows it; a non-zero store in between resets the run', () => {
  const { p, pd, ev } = xenShadow(1, 1);
  p.access(va(0, 0), false);
  // PD entries are not L1s, so stores to them are emulated (sh_validate_guest_entry propagates them)
  p.writeEntry(pd, 100, 0, 0);
  assert.equal(ev('shadow:emulate'), 1);
  assert.equal(ev('shadow:unshadow'), 0);
  p.writeEntry(pd, 101, entryLo(5, LINK), 0);
  p.writeEntry(pd, 102, 0, 0);
  assert.equal(ev('shadow:emulate'), 3);
  assert.equal(ev('shadow:unshadow'), 0);
  p.writeEntry(pd, 103, 0, 0);
  assert.equal(ev('shadow:emulate'), 4);
  assert.equal(ev('shadow:unshadow'), 1);
  // the next access rebuilds the PD's shadow and relinks the leaf table's
  const promoted = ev('shadow:promote');
  assert.equal(p.access(va(0, 0), false), FAULT_NONE);
  assert.equal(ev('shadow:promote'), promoted + 1);
});

const map = (region: string, pages: number): GuestOp => ({ op: 'map', region, bytes: pages * 4096, pageSize: '4k' });
const touch = (region: string, accesses: number, write: boolean): GuestOp => ({ op: 'touch', region, pattern: 'seq', accesses, write });

test('fork of a 1,000-page process under Xen shadow: two traps that unsync, one resync each at the flush — not 1,000 emulations', () => {
  // as for KVM (test/engines/hardware-assisted/shadow-mmu.test.ts): PT0 holds 512 PTEs, PT1 488, synced and
  // write-protected by protect's CR3 reload
  const prefix: GuestOp[] = [map('heap', 1000), touch('heap', 1000, true), { op: 'protect', region: 'heap', writable: true }];
  const d = delta('xen:mode=hvm', prefix, [{ op: 'fork' }], 'core2-2007');
  // ptep_set_wrprotect's first store to each PT is a fixup that unsyncs it (two tables never crush each other:
  // a slot's occupant is only ever punted to an empty one), the other 998 are native; dup_mmap's CR3 reload
  // resyncs both: 1,000 present entries compared with their snapshots, all 1,000 changed (read-only now)
  assert.deepEqual(d.exits, { EXCEPTION_NMI: 2, CR_ACCESS: 1 });
  assert.equal(d.events['shadow:fixup'], 2);
  assert.equal(d.events['shadow:unsync'], 2);
  assert.equal(d.events['shadow:oos-evict'], undefined);
  assert.equal(d.events['shadow:resync'], 2);
  assert.equal(d.events['shadow:emulate'], undefined);
  assert.equal(d.attribution['shadow-resync'], 1000 * native.pteWrite + 1000 * hvm.shadowSyncEntry);
  assert.equal(d.attribution['shadow-oos-snapshot'], 2 * native.pageCopy);
  // the child's first reads: a fixup per page, nothing prefetched — fork's PTEs are old, and sh_prefetch stops
  // at the first present entry without Accessed
  const child = delta('xen:mode=hvm', [...prefix, { op: 'fork' }], [{ op: 'switch', to: 2 }, touch('heap', 1000, false)], 'core2-2007');
  assert.equal(child.events['shadow:fixup'], 1000);
  assert.equal(child.events['shadow:prefetch'], undefined);
  assert.equal(child.exits.EXCEPTION_NMI, 1000);
});

test('exit under Xen shadow paging: Linux announces the dying address space with HVMOP_pagetable_dying (shadow mode only)', () => {
  const prefix: GuestOp[] = [map('heap', 16), touch('heap', 16, true), { op: 'fork' }, { op: 'switch', to: 2 }, touch('heap', 16, true)];
  const d = delta('xen:mode=hvm', prefix, [{ op: 'exit' }], 'core2-2007');
  // exit_mmap: the op (a VMCALL), then the teardown's stores. The child's leaf table went out of sync at its
  // COW faults (their PTE stores came after the table was shadowed) and no CR3 write has resynced it, so the 16
  // PTE clears are native. free_pgtables clears the PD, PDPT and root entries above it, each an emulated zero
  // store: in a dying address space the PD and PDPT are unshadowed at once, the store to the dying root is a
  // no-op (it is the root in use). The switch to the parent (CR_ACCESS) resyncs the table out of sync: its 16
  // present shadow entries compared with the snapshot, all 16 cleared and re-propagated
  assert.equal(d.hypercalls.hvm_op, 1);
  assert.deepEqual(d.exits, { VMCALL: 1, EXCEPTION_NMI: 3, CR_ACCESS: 1 });
  assert.deepEqual(
    ['fixup', 'unsync', 'emulate', 'unshadow', 'resync'].map((e) => d.events[`shadow:${e}`]),
    [undefined, undefined, 3, 2, 1],
  );
  assert.equal(d.attribution['shadow-resync'], 16 * native.pteWrite + 16 * hvm.shadowSyncEntry);
  // with EPT the guest never installed the hook: Xen refuses the op outside shadow mode
  assert.equal(delta('xen:mode=hvm', prefix, [{ op: 'exit' }]).hypercalls.hvm_op, undefined);
});

// memory/ctx-switch's loop on two processes with 4-page working sets, after a warm-up round trip
const ws = (accesses: number): GuestOp => ({ op: 'touch', region: 'ws', pattern: 'seq', accesses, write: false });
const roundTrip: GuestOp[] = [ws(4), { op: 'syscall', count: 2 }, { op: 'switch', to: 2 }, ws(4), { op: 'syscall', count: 2 }, { op: 'switch', to: 1 }];
const warm: GuestOp[] = [map('ws', 4), touch('ws', 4, true), { op: 'fork' }, ...roundTrip];

test("Xen caches shadows by (gfn, type): switching back finds both processes' tables — only the CR3 writes exit", () => {
  const d = delta('xen:mode=hvm', warm, roundTrip, 'core2-2007');
  // two CR3 writes per round trip (sh_update_cr3 finds each root in the shadow hash); nothing is out of sync
  // (the loop writes no page table), so nothing is resynced
  assert.equal(d.exits.CR_ACCESS, 2);
  assert.equal(d.exits.EXCEPTION_NMI, undefined);
  assert.equal(d.events['shadow:fixup'], undefined);
  assert.equal(d.events['shadow:resync'], undefined);
});
