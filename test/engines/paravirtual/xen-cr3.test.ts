import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { delta, run } from '../guest/run-engine.ts';

/** map 64 pages, then 1,000 × (a null syscall, a write to each of the 64 pages) */
function syscallTouch(): GuestOp[] {
  const ops: GuestOp[] = [{ op: 'map', region: 'a', bytes: 64 * 4096, pageSize: '4k' }];
  for (let i = 0; i < 1000; i++) {
    ops.push({ op: 'syscall', count: 1 });
    ops.push({ op: 'touch', region: 'a', pattern: 'seq', accesses: 64, write: true });
  }
  return ops;
}

test('(syscall, touch 64 pages) × 1,000 on amd-modern: xen user TLB misses within 2× native', () => {
  const native = run('native', syscallTouch(), 'amd-modern');
  // amd-modern: xpti defaults to off, and so pcid (pcid=xpti)
  const xen = run('xen', syscallTouch(), 'amd-modern');
  // native: each page misses on its first touch, faults, and misses again on the retry: 64 × 2 = 128 user
  // misses; afterwards the 64 pages stay in the TLB (no CR3 write on a syscall). The kernel's 4 footprint
  // pages miss once, on the first syscall, and stay (global).
  assert.equal(native.events.kernelTlbMisses, 4);
  assert.equal(native.tlb.misses - native.events.kernelTlbMisses, 128);
  // xen on amd-modern: no XPTI, no PCID, so CR4.PGE is on and the user pages Xen validated are global. The
  // same 128 user misses as native (the fault round trips' CR3 writes find nothing of the page to drop);
  // each syscall's switch into the guest kernel has dropped the kernel's 4 (non-global) entries: 4 × 1,000
  const xenUser = xen.tlb.misses - xen.events.kernelTlbMisses;
  assert.equal(xenUser, 128);
  assert.equal(xen.events.kernelTlbMisses, 4 * 1000);
  assert.ok(xenUser <= 2 * (native.tlb.misses - native.events.kernelTlbMisses));
  // the two guest page-table switches per syscall are CR3 writes on the TLB: 2 × 1,000, each flushing the
  // non-global entries; the 64 page faults add 2 each
  assert.equal(xen.events.cr3Writes, 2 * 1000 + 2 * 64);
  assert.deepEqual(xen.tlb.flushes.byScope, { nonGlobal: 2 * 1000 + 2 * 64 });
  // boot is setup: it pins pid 1's tables (its two top-level pages remapped with UVMF_TLB_FLUSH; Zen 1 has no
  // PCID, so no INVPCID: each is do_tlb_flush's two CR4.PGE writes, 2 × 2 full flushes), loads pid 1's table
  // (switch_cr3_cr4: CR4.PGE cleared and set again, 2 full flushes, and its CR3 write) and returns to user
  // mode (1 more CR3 write)
  assert.equal(xen.setup?.events.cr3Writes, 2);
  assert.deepEqual(xen.setup?.tlb.flushes.byScope, { nonGlobal: 2, full: 2 * 2 + 2 });
});

const warm: GuestOp[] = [
  { op: 'map', region: 'a', bytes: 8 * 4096, pageSize: '4k' },
  { op: 'touch', region: 'a', pattern: 'seq', accesses: 8, write: true },
  { op: 'syscall', count: 1 },
  { op: 'touch', region: 'a', pattern: 'seq', accesses: 8, write: true },
];
const syscallThenTouch: GuestOp[] = [{ op: 'syscall', count: 1 }, { op: 'touch', region: 'a', pattern: 'seq', accesses: 8, write: true }];

test('intel-modern defaults (XPTI on, pcid=xpti so PCIDs): 6 CR3 writes per syscall, none flushing', () => {
  const d = delta('xen', warm, syscallThenTouch);
  // user → lstar_enter: CR3 := xen_cr3 (the user table, PCID 1); _toggle_guest_pt: the kernel table (PCID 0);
  // restore_all_guest: L4 copied into the per-CPU root, CR3 := root (PCID 0|2); the kernel's body; the iret
  // hypercall: CR3 := xen_cr3 (PCID 0); toggle: the user table (PCID 1); exit: copy, CR3 := root (PCID 1|2).
  // Every write carries NOFLUSH: 6 writes, 2 L4 copies, no flush
  assert.equal(d.events.cr3Writes, 6);
  assert.equal(d.events.xptiL4Copies, 2);
  assert.deepEqual(d.flushScope, {});
  // the kernel's 4 pages stay under PCID 2 and the user's 8 under PCID 3 from the warm-up: nothing misses
  assert.equal(d.misses, 0);
  // 6 CR3 writes × 206 (intel-modern cr3Write): 4 of them XPTI's, 2 the toggles; 2 copies × pageCopy 500
  assert.equal(d.attribution.xpti, 4 * 206 + 2 * 500);
  // the two toggles are the page-table switch proper (the bounce frame and iret are charged as pv-syscall)
  assert.equal(d.attribution['syscall-pt-switch'], 2 * 206);
});

test('XPTI without PCIDs: CR4.PGE is off, so each of the 6 CR3 writes flushes everything', () => {
  const d = delta('xen:xpti=on,pcid=off', warm, syscallThenTouch);
  assert.equal(d.events.cr3Writes, 6);
  assert.deepEqual(d.flushScope, { nonGlobal: 6 });
  // nothing is global: the kernel walks for its 4 pages, and the user's 8 pages miss again afterwards
  assert.equal(d.events.kernelTlbMisses, 4);
  assert.equal(d.misses, 4 + 8);
});

test('XPTI: a hypercall enters and leaves through the per-CPU root; the L4 is copied only when it changed', () => {
  // a null hypercall from the guest: CR3 := xen_cr3 on entry and back to the per-CPU root on exit, no copy
  // (the last exit already copied the current L4: "avoid copying L4")
  const d = delta('xen', warm, [{ op: 'hypercall', count: 3 }]);
  assert.equal(d.events.cr3Writes, 2 * 3);
  assert.equal(d.events.xptiL4Copies ?? 0, 0);
  assert.deepEqual(d.flushScope, {});
  // without XPTI a hypercall writes no CR3
  assert.equal(delta('xen:xpti=off', warm, [{ op: 'hypercall', count: 3 }]).events.cr3Writes ?? 0, 0);
});

test('xen:arch=x86_32: a syscall goes straight to the ring-1 kernel (fast trap table): no Xen entry, no CR3 write, no flush', () => {
  const d = delta('xen:arch=x86_32', warm, [{ op: 'syscall', count: 5 }]);
  assert.deepEqual(d.hypercalls, {});
  assert.equal(d.events.cr3Writes ?? 0, 0);
  assert.deepEqual(d.flushScope, {});
  // the same cycles as native: SYSCALL 70 + kernel work 180 + 4 footprint reads at 4 cycles, all TLB hits
  const native = delta('native', warm, [{ op: 'syscall', count: 5 }]);
  assert.equal(d.cycles, 5 * (70 + 180 + 4 * 4));
  assert.equal(d.cycles, native.cycles);
  // XPTI and PCIDs are for 64-bit domains: the intel-modern default xpti=on does not apply
  assert.equal(d.attribution.xpti ?? 0, 0);
});

test('xen:arch=x86_32: a page fault is bounced by Xen without a page-table switch and returns with a plain IRET', () => {
  const d = delta('xen:arch=x86_32', [{ op: 'map', region: 'b', bytes: 4096 * 3, pageSize: '4k' }],
    [{ op: 'touch', region: 'b', pattern: 'seq', accesses: 3, write: true }]);
  assert.deepEqual(d.exits, { page_fault: 3 });
  assert.equal(d.hypercalls.iret ?? 0, 0);
  assert.equal(d.events.cr3Writes ?? 0, 0);
  // one table per 32-bit mm: no user L4 entries are mirrored
  assert.equal(d.attribution['trap-pt-switch'] ?? 0, 0);
});
