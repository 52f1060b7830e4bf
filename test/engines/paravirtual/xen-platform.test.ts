import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { delta, run } from '../guest/run-engine.ts';

const map = (region: string, pages: number): GuestOp => ({ op: 'map', region, bytes: pages * 4096, pageSize: '4k' });
const touch = (region: string, accesses: number): GuestOp => ({ op: 'touch', region, pattern: 'seq', accesses, write: true });

test('N syscalls: 2N guest page-table switches, each a CR3 write flushing non-global entries, N iret hypercalls', () => {
  const d = delta('xen:xpti=off', [], [{ op: 'syscall', count: 7 }]);
  assert.equal(d.events.ptSwitches, 14);
  assert.equal(d.events.cr3Writes, 14);
  assert.deepEqual(d.flushScope, { nonGlobal: 14 });
  assert.deepEqual(d.flushCause, { cr3: 14 });
  assert.deepEqual(d.hypercalls, { iret: 7 });
  // with PCIDs every CR3 write carries NOFLUSH
  const pcid = delta('xen:xpti=off,pcid=on', [], [{ op: 'syscall', count: 7 }]);
  assert.deepEqual(pcid.flushScope, {});
  assert.equal(pcid.events.cr3Writes, 14);
});

test('PGE: user pages are global and survive the syscall; the guest kernel walks for its own 4 pages again', () => {
  const warm: GuestOp[] = [map('a', 8), touch('a', 8), touch('a', 8), { op: 'syscall', count: 1 }];
  // the switch into the kernel dropped the kernel's (non-global) entries: its 4 footprint pages miss; the
  // switch back drops them again but keeps the 8 global user entries: the touch hits
  const d = delta('xen:xpti=off', warm, [{ op: 'syscall', count: 1 }, touch('a', 8)]);
  assert.equal(d.misses, 4);
  assert.equal(d.events.kernelTlbMisses, 4);
  // PCIDs: the kernel's entries live under PCID 0, the user's under PCID 1, nothing is flushed
  assert.equal(delta('xen:xpti=off,pcid=on', warm, [{ op: 'syscall', count: 1 }, touch('a', 8)]).misses, 0);
});

test('touching N fresh pages: N bounced faults, validated mmu_updates, new tables pinned as they are linked', () => {
  const d = delta('xen', [map('a', 10)], [touch('a', 10)]);
  assert.deepEqual(d.exits, { page_fault: 10 });
  // pid 1's tables are pinned (at boot), so each new table is linked with xen_alloc_ptpage first, which
  // issues its own batch before the caller's set_p4d / set_pud / set_pmd: PDPT link = update_va_mapping
  // alone, then one mmu_update carrying the kernel and the user L4 entries (merged: 2 requests); PD link =
  // update_va_mapping, then mmu_update; PT link = update_va_mapping + MMUEXT_PIN_L1_TABLE (a multicall of
  // 2), then mmu_update. The 10 leaf PTEs are lone mmu_update hypercalls.
  assert.deepEqual(d.hypercalls, { iret: 10, mmu_update: 10 + 3, update_va_mapping: 2, multicall: 1 });
  assert.equal(d.events.multicallEntries, 2);
  assert.equal(d.events.mmuUpdates, 10 + 3 + 1);
  assert.equal(d.events.tablesPinned, 3);
  // intel-modern: 3 update_va_mapping × pteValidate 200 + the empty PT's PIN_L1 scan (pinTablePage 1,000) +
  // the 2 lone update_va_mapping hypercalls' entries (hypercallEntry 250)
  assert.equal(d.attribution['pin-table'], 3 * 200 + 1000 + 2 * 250);
  // 14 requests × 200 + the empty PDPT and PD typed when linked (1,000 each) + 13 lone hypercalls × 250
  assert.equal(d.attribution['mmu-update'], 14 * 200 + 2 * 1000 + 13 * 250);
  assert.equal(d.events.ptSwitches, 20);
});

test('fork of a process with M mapped pages: parent write-protects trap (ptwr), child written unpinned, pinned once', () => {
  const prefix: GuestOp[] = [map('a', 40), touch('a', 40)];
  // lazy window: the 40 write-protects of the parent's PTEs are ptep_set_wrprotect's cmpxchg on pinned, read-only
  // tables (Linux 6.8, no paravirt hook): 40 ptwr traps Xen emulates, not mmu_update requests. The child's 40
  // PTEs are set_pte_at on an unpinned page: unvalidated mmu_update requests, merged until the 512-byte argument
  // space (MC_ARGS = 32 × 16) is full, 31 per entry, each flushed alone: mmu_update hypercalls of 31 + 9. The
  // child's PDPT / PD / PT links are plain stores. Then xen_enter_mmap pins the child in one multicall of 8
  // entries: 3 table pages made read-only, PIN_L1 of the PT, root read-only + PIN_L4, user L4 read-only +
  // PIN_L4. Then the parent's TLB flush (mmuext_op).
  const d = delta('xen', prefix, [{ op: 'fork' }]);
  assert.deepEqual(d.exits, { ptwr: 40 });
  assert.equal(d.events.mmuUpdates, 40);
  assert.deepEqual(d.hypercalls, { mmu_update: 2, multicall: 1, mmuext_op: 1 });
  assert.equal(d.events.multicallEntries, 8);
  assert.equal(d.events.tablesPinned, 5);
  // Xen's validation, proportional to what it checks: PIN_L1 = scan 1,000 + 40 present × 200; PIN_L4 of the
  // root types L4 (2 present: the PDPT and the kernel's shared slot), PDPT and PD (1 present each) at a scan
  // each; the user L4 (1 present); 5 read-only remaps
  assert.equal(d.attribution['pin-table'], 5 * 200 + (1000 + 40 * 200) + (1000 + 2 * 200) + 2 * (1000 + 200) + (1000 + 200));
  // 40 plain stores by Xen (pteWrite 10) + 2 hypercall entries × 250
  assert.equal(d.attribution['mmu-update'], 40 * 10 + 2 * 250);
  // each ptwr: #PF into Xen (exception 250) + x86_emulate (emulatePrivop 1,000) + ptwr_emulated_update's
  // get_page_from_l1e of the new, still present, read-only PTE and put_page_from_l1e of the old (2 × 200)
  assert.equal(d.attribution.ptwr, 40 * (250 + 1000 + 2 * 200));
  // batch=8: MC_ARGS = 128 bytes, 7 requests per mmu_update: ⌈40 / 7⌉ = 6; the pin batch fills 8 slots
  const b8 = delta('xen:batch=8', prefix, [{ op: 'fork' }]);
  assert.deepEqual(b8.hypercalls, { mmu_update: 6, multicall: 1, mmuext_op: 1 });
});

test('munmap in a pinned mm: every PTE clear is a ptwr trap; free_pgtables runs after the lazy window', () => {
  const d = delta('xen', [map('a', 10), touch('a', 10)], [{ op: 'unmap', region: 'a' }]);
  // zap_pte_range: 10 × ptep_get_and_clear (xchg) on the pinned PT → 10 ptwr, no mmu_update for the clears
  assert.deepEqual(d.exits, { ptwr: 10 });
  // a clear puts the old entry's reference only (the new value is not present): 250 + 1,000 + 200 each
  assert.equal(d.attribution.ptwr, 10 * (250 + 1000 + 200));
  // free_pgtables, outside any lazy window, each call issued at once: pmd_clear → mmu_update; release of the
  // PT → UNPIN_TABLE + writable remap (a multicall of 2); pud_clear → mmu_update; release of the PD → a lone
  // update_va_mapping; p4d_clear of kernel and user L4 entries → one mmu_update of 2 requests; release of the
  // PDPT → update_va_mapping. Then 10 × MMUEXT_INVLPG_LOCAL (≤ 33 pages)
  assert.deepEqual(d.hypercalls, { mmu_update: 3, multicall: 1, update_va_mapping: 2, mmuext_op: 10 });
  assert.equal(d.events.mmuUpdates, 4);
  assert.equal(d.events.tablesUnpinned, 3);
  // kvm and native: the xchg is a native store
  assert.deepEqual(delta('kvm', [map('a', 10), touch('a', 10)], [{ op: 'unmap', region: 'a' }]).exits, {});
});

test('Xen\'s scheduler timer: one interrupt into Xen per 10 ms credit2 slice of guest execution, no trap', () => {
  // 30,000,000 guest cycles at 2.5 GHz = 12 ms (+ boot, far below 8 ms more): 1 slice end
  const d = delta('xen', [], [{ op: 'compute', cycles: 30_000_000 }]);
  assert.equal(d.events.xenTimerInterrupts, 1);
  assert.equal(d.attribution['xen-timer'], 500);
  assert.deepEqual(d.exits, {});
});

test('exit unpins before teardown: the clears are plain stores, no mmu_update', () => {
  const prefix: GuestOp[] = [map('a', 40), touch('a', 40), { op: 'fork' }, { op: 'switch', to: 2 }];
  const d = delta('xen', prefix, [{ op: 'exit' }]);
  // exit_mmap with the dying mm still loaded: xen_drop_mm_ref → leave_mm switches to init_mm (NEW_BASEPTR +
  // NEW_USER_BASEPTR merged: one mmuext_op); xen_pgd_unpin: UNPIN of both L4s (merged), the user L4, PDPT,
  // PD writable, UNPIN_L1 + writable for the PT, the root writable: a multicall of 7 entries; then 40 PTE
  // clears and 3 table unlinks as plain stores. Then the switch to the parent: its lazy-CPU batch ends with
  // the merged NEW_BASEPTRs alone (a second mmuext_op) before __switch_to writes the parent's FS base
  // (set_segment_base) and reloads sp0, so MULTI_stack_switch goes on its own (a stack_switch hypercall)
  assert.deepEqual(d.hypercalls, { mmuext_op: 2, multicall: 1, set_segment_base: 1, stack_switch: 1 });
  assert.equal(d.events.multicallEntries, 7);
  assert.equal(d.events.tablesUnpinned, 5);
  assert.equal(d.events.mmuUpdates ?? 0, 0);
  // unpin: the root (1,000 + 2 present × 200, the kernel slot included), PDPT and PD (1,000 + 200 each), the
  // user L4 (1,000 + 200), the PT (1,000 + 40 × 200), and 5 × 200 for the pages made writable
  assert.equal(d.attribution['pin-table'], (1000 + 400) + 2 * 1200 + 1200 + (1000 + 8000) + 5 * 200);
});

test('cpuid traps as forced_invalid_op; the timer is VCPUOP_set_singleshot_timer (vcpu_op) and idle is sched_op block', () => {
  assert.deepEqual(delta('xen', [], [{ op: 'cpuid', count: 3 }]).exits, { forced_invalid_op: 3 });
  const t = delta('xen', [], [{ op: 'timer', periodUs: 1000, ticks: 2 }]);
  assert.deepEqual(t.hypercalls, { iret: 2, sched_op: 2, vcpu_op: 2 });
  assert.deepEqual(t.exits, {});
});

test('blk: persistent grants map each grant once and copy in the front end; blk=map maps, unmaps and flushes per request', () => {
  const io: GuestOp = { op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 40 };
  // 40 requests = batches of 32 and 8. Persistent: the first batch's 32 one-page grants are mapped once
  // (one grant_table_op from Dom0); the second batch reuses them: no further grant op, no unmap, no flush;
  // blkback ends each of the 40 requests with an empty asynchronous unmap, a grant_table_op of no grant: 41.
  // The front end copies 4,096 bytes per request (copyPerByte 0.2 → 819 cycles per request)
  const p = delta('xen:xpti=off', [], [io]);
  assert.equal(p.events['dom0:grant_table_op'], 1 + 40);
  assert.equal(p.events.grantOps, 32);
  assert.equal(p.flushCause.grantUnmap ?? 0, 0);
  assert.equal(p.attribution['persistent-grant-copy'], Math.round(0.2 * 4096 * 32) + Math.round(0.2 * 4096 * 8));
  // blk=map: a map and an unmap per request (80 grant ops from Dom0), each unmap flushing: 40
  const m = delta('xen:xpti=off,blk=map', [], [io]);
  assert.equal(m.events['dom0:grant_table_op'], 80);
  assert.equal(m.flushCause.grantUnmap, 40);
  assert.equal(m.attribution['persistent-grant-copy'] ?? 0, 0);
});

test('net: netback copies on receive (one batched GNTTABOP_copy); on transmit it copies each header and maps only a longer packet\'s rest', () => {
  const rx = delta('xen:xpti=off', [], [{ op: 'io', device: 'net', dir: 'read', bytes: 1500, requests: 10 }]);
  assert.equal(rx.events['dom0:grant_table_op'], 1);
  assert.equal(rx.flushCause.grantUnmap ?? 0, 0);
  // the receive buffers were posted ahead: netback's one send to the guest, none from the guest
  assert.equal(rx.hypercalls.event_channel_op ?? 0, 0);
  assert.equal(rx.events['dom0:event_channel_op'], 1);
  assert.equal(rx.events.eventChannel, 1);
  const tx = delta('xen:xpti=off', [], [{ op: 'io', device: 'net', dir: 'write', bytes: 1500, requests: 10 }]);
  // 1,500 bytes > XEN_NETBACK_TX_COPY_LEN (128): one copy batch (10 header copies), one map batch and one
  // unmap batch of a page each (10 + 10), one flush for the whole batch: 3 hypercalls, 30 grant operations
  assert.equal(tx.events['dom0:grant_table_op'], 3);
  assert.equal(tx.events.grantOps, 30);
  assert.equal(tx.flushCause.grantUnmap, 1);
  // netperf TCP_RR's 1-byte request fits the copied header: one GNTTABOP_copy of one operation, no map, no
  // unmap, no flush (as the recorded domU trace shows: test/engines/lab/xen-qemu/domu-net.test.ts)
  const small = delta('xen:xpti=off', [], [{ op: 'io', device: 'net', dir: 'write', bytes: 1, requests: 1 }]);
  assert.equal(small.events['dom0:grant_table_op'], 1);
  assert.equal(small.events.grantOps, 1);
  assert.equal(small.flushCause.grantUnmap ?? 0, 0);
  const old = delta('xen:xpti=off,net=map', [], [{ op: 'io', device: 'net', dir: 'write', bytes: 1500, requests: 10 }]);
  assert.equal(old.events['dom0:grant_table_op'], 20);
  assert.equal(old.flushCause.grantUnmap, 10);
});

test('ring notifications follow req_event / rsp_event; Dom0 runs on the same CPU (2 domain switches per batch), its hypercalls apart', () => {
  const warm: GuestOp[] = [map('a', 8), touch('a', 8), touch('a', 8)];
  const io: GuestOp = { op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 40 };
  const d = delta('xen:xpti=off', warm, [io, touch('a', 8)]);
  // each batch (32, then 8) finds the back end idle (req_event = req_prod + 1 after it drained the ring) and
  // the front end waiting (rsp_event likewise): one notification each way per batch, 2 × 2
  assert.equal(d.events.eventChannel, 4);
  // the guest's notifications are its hypercalls; Dom0's are counted apart
  assert.equal(d.hypercalls.event_channel_op, 2);
  assert.equal(d.events['dom0:event_channel_op'], 2);
  assert.equal(d.hypercalls.grant_table_op ?? 0, 0);
  // per batch: Xen switches to Dom0 and back (write_ptbase each, CR4.PGE toggled: 2 full flushes each), then
  // the guest returns to user mode (1 CR3 write)
  assert.equal(d.events.domainSwitches, 4);
  assert.equal(d.flushScope.full, 4 * 2);
  // the switch lost the guest's global user entries: the 8 warm pages miss again
  assert.equal(d.misses, 8);
});

test('a COW break that copies clears the shared PTE with a trapped xchg (ptwr); the last sharer reuses in place', () => {
  // parent writes 6 shared pages: wp_page_copy → ptep_clear_flush, one ptwr each; the child then owns its 6
  // pages alone (refcount 1): wp_page_reuse upgrades the entry with set_pte (mmu_update), no ptwr
  const d = delta('xen', [map('a', 6), touch('a', 6), { op: 'fork' }], [touch('a', 6), { op: 'switch', to: 2 }, touch('a', 6)]);
  assert.equal(d.events.cowFaults, 12);
  assert.equal(d.exits.ptwr, 6);
  const native = delta('native', [map('a', 6), touch('a', 6), { op: 'fork' }], [touch('a', 6), { op: 'switch', to: 2 }, touch('a', 6)]);
  assert.equal(native.exits.ptwr, undefined);
});

test('context switch: the lazy-CPU batch (merged NEW_BASEPTRs), the FS base, then stack_switch: three hypercalls; new_guest_cr3 takes and drops L4 type refs; switch_cr3_cr4 flushes globals', () => {
  const prefix: GuestOp[] = [map('a', 4), touch('a', 4), { op: 'fork' }];
  const d = delta('xen:xpti=off', prefix, [{ op: 'switch', to: 2 }]);
  // xen_start_context_switch … xen_end_context_switch: NEW_BASEPTR + NEW_USER_BASEPTR merged in one mmuext_op
  // entry, the batch's only entry, issued as mmuext_op itself; xen_load_sp0 comes after the lazy-CPU window
  // closed (process_64.c __switch_to): MULTI_stack_switch issued at once, a stack_switch hypercall; between
  // them the next task's non-zero FS base is written, set_segment_base (xen_do_write_msr). No multicall
  assert.deepEqual(d.hypercalls, { mmuext_op: 1, set_segment_base: 1, stack_switch: 1 });
  assert.equal(d.events.multicallEntries, undefined);
  // no XPTI, no PCID → CR4.PGE on: switch_cr3_cr4 clears PGE (full flush), writes CR3 (non-global flush),
  // sets PGE (full flush); the return to the new process's user mode is one more CR3 write (non-global)
  assert.deepEqual(d.flushScope, { full: 2, nonGlobal: 2 });
  assert.equal(d.events.cr3Writes, 2);
  // intel-modern: 4 type-reference updates (get/put on the kernel and the user L4) × pteValidate 200, two CR4
  // writes and two CR3 writes × cr3Write 206, and the mmuext_op hypercall's own entry (250: it is no longer a
  // multicall's entry)
  assert.equal(d.attribution['mmuext-op'], 4 * 200 + 4 * 206 + 250);
  assert.equal(d.attribution.multicall, undefined);
  // with XPTI and PCIDs: the CR3 write keeps the TLB and INVPCID drops every PCID's entries (1 tagged flush);
  // each of the three hypercalls' entry and exit adds XPTI's 2 CR3 writes
  const x = delta('xen', prefix, [{ op: 'switch', to: 2 }]);
  assert.deepEqual(x.flushScope, { tagged: 1 });
  assert.equal(x.events.cr3Writes, 2 + 3 * 2);
});

test('pin and unpin remap the top-level pages with UVMF_TLB_FLUSH: a local flush each, globals included', () => {
  const prefix: GuestOp[] = [map('a', 4), touch('a', 4)];
  // fork: the child's pin remaps its kernel and user L4 with UVMF_TLB_FLUSH (2 full flushes: INVPCID
  // all-contexts on intel-modern), then dup_mmap's flush_tlb_mm(oldmm) is MMUEXT_TLB_FLUSH_LOCAL (1 more)
  assert.deepEqual(delta('xen:xpti=off', prefix, [{ op: 'fork' }]).flushScope, { full: 3 });
  // core2-2007 has no INVPCID: each of those flushes is Xen's two CR4.PGE writes, 2 full flushes each
  assert.deepEqual(delta('xen:xpti=off', prefix, [{ op: 'fork' }], 'core2-2007').flushScope, { full: 6 });
});

test('a domU cannot do port I/O: each IN is a #GP bounced to the guest kernel, which returns with iret', () => {
  const d = delta('xen:xpti=off', [], [{ op: 'pio', port: 0x4d0, write: false, count: 5 }]);
  assert.deepEqual(d.exits, { general_protection: 5 });
  assert.deepEqual(d.hypercalls, { iret: 5 });
  // intel-modern per IN: the native IN 3,353 (guest work), #GP into Xen 250 + the emulation attempt 1,000
  // (pv-trap), the bounce frame 150 and the iret hypercall's entry 250 (pv-bounce)
  assert.equal(d.attribution['pv-trap'], 5 * (250 + 1000));
  assert.equal(d.attribution['pv-bounce'], 5 * (150 + 250));
  assert.equal(d.attribution['emulate privop'] ?? 0, 0);
});

test('PV never writes TSC_DEADLINE: the WRMSR is a bounced #GP; MMIO without a device model a bounced #PF', () => {
  const m = delta('xen', [], [{ op: 'msr', index: 0x6e0, write: true, count: 4 }]);
  assert.deepEqual(m.exits, { general_protection: 4 });
  assert.deepEqual(m.hypercalls, { iret: 4 });
  const io = delta('xen', [], [{ op: 'mmio', write: true, count: 3 }]);
  assert.deepEqual(io.exits, { page_fault: 3 });
  assert.deepEqual(io.hypercalls, { iret: 3 });
  // the timer path never touches the MSR: 3 ticks arm 3 singleshot timers, no #GP
  assert.deepEqual(delta('xen', [], [{ op: 'timer', periodUs: 1000, ticks: 3 }]).exits, {});
});

test('an FS/GS base change is HYPERVISOR_set_segment_base (Linux arch/x86/xen/enlighten_pv.c xen_do_write_msr), not an emulated WRMSR', () => {
  // 3 writes of MSR_FS_BASE (0xc0000100) → 3 set_segment_base hypercalls; no trap for Xen to emulate
  const fs = delta('xen', [], [{ op: 'msr', index: 0xc0000100, write: true, count: 3 }]);
  assert.deepEqual(fs.hypercalls, { set_segment_base: 3 });
  assert.deepEqual(fs.exits, {});
  // another MSR (IA32_SPEC_CTRL, 0x48) has no hypercall: 2 writes are 2 privileged-op traps Xen emulates
  const other = delta('xen', [], [{ op: 'msr', index: 0x48, write: true, count: 2 }]);
  assert.deepEqual(other.exits, { 'emulate privop': 2 });
});

test('xen:arch=x86_32 runs on PAE tables: regions from TASK_UNMAPPED_BASE, 2-reference walks, 3 GiB of user space', () => {
  // the region's first page is at 0x40000000 (PDPT slot 1, whose PMD pgd_alloc preallocated). The first
  // access walks PDPTE (a register) → PDE, not present: 1 reference, a fault; the handler links a PT and the
  // PTE; the retry walks PDE + PTE: 2 references. On x86-64 the first walk stops at the empty PML4E of
  // slot 254 (1 reference), the retry reads PML4E, PDPTE, PDE, PTE (4)
  const pae = delta('xen:arch=x86_32', [map('a', 1)], [touch('a', 1)]);
  assert.deepEqual(pae.exits, { page_fault: 1 });
  assert.deepEqual([pae.misses, pae.walkRefs], [2, 1 + 2]);
  const x64 = delta('xen:xpti=off', [map('a', 1)], [touch('a', 1)]);
  assert.deepEqual([x64.misses, x64.walkRefs], [2, 1 + 4]);
  // 3 GiB − 0x40000000 = 2 GiB of room: a 2 GiB region ends exactly at 0xc0000000 and fits, 2 GiB + 4 KiB not
  assert.doesNotThrow(() => run('xen:arch=x86_32', [{ op: 'map', region: 'a', bytes: 2 ** 31, pageSize: '4k' }]));
  assert.throws(() => run('xen:arch=x86_32', [{ op: 'map', region: 'a', bytes: 2 ** 31 + 4096, pageSize: '4k' }]),
    /does not fit below the end of user space \(0xc0000000\)/);
  assert.throws(() => run('xen:arch=x86_32', [{ op: 'map', region: 'a', bytes: 2 ** 30, pageSize: '1g' }]), /1g pages do not exist under PAE/);
});

test('xen:arch=x86_32: each pgd has its own copy of the kernel PMD, read-only and typed with the 4-entry L3 at pin and untyped at unpin', () => {
  // the child's pgd (pgd_alloc without SHARED_KERNEL_PMD): a PDPT, 3 user PMDs and a copy of the kernel PMD,
  // whose one present entry links the kernel's footprint PT. 'a' (40 pages at 0x40000000) gets a PT under
  // user PMD 1 in the child. Pin, one multicall of 8 entries: update_va_mapping (read-only) of PMD 0, PMD 1,
  // the PT, PMD 2; PIN_L1 of the PT; the pgd's update_va_mapping; the kernel PMD's update_va_mapping (no pin
  // of its own); PIN_L3_TABLE — 6 tables pinned
  const prefix: GuestOp[] = [map('a', 40), touch('a', 40)];
  const fork = delta('xen:arch=x86_32', prefix, [{ op: 'fork' }]);
  assert.equal(fork.events.multicallEntries, 8);
  assert.equal(fork.events.tablesPinned, 6);
  // intel-modern: 6 read-only remaps × pteValidate 200; PIN_L1: the 512-entry scan (pinTablePage 1,000) + 40
  // present × 200; PIN_L3 validates the PDPT (4 entries scanned: 1,000 × 4 / 512 ≈ 8, and 4 present × 200),
  // the 3 user PMDs (a scan each, PMD 1 with 1 present entry) and the kernel PMD (428 guest slots checked and
  // 84 filled by Xen, a page's scan, with 1 present entry)
  const pin = 6 * 200 + (1000 + 40 * 200) + (8 + 4 * 200) + 3 * 1000 + 200 + (1000 + 200);
  assert.equal(fork.attribution['pin-table'], pin);
  // exit of the child: UNPIN_TABLE on the L3 drops the same types (PDPT, 3 PMDs, kernel PMD), the kernel PMD
  // is made writable, the PT unpinned (its 40 references dropped) and made writable, PMDs and pgd writable:
  // the same work as the pin, 6 tables unpinned
  const exit = delta('xen:arch=x86_32', [...prefix, { op: 'fork' }, { op: 'switch', to: 2 }], [{ op: 'exit' }]);
  assert.equal(exit.events.tablesUnpinned, 6);
  assert.equal(exit.attribution['pin-table'], pin);
  // 64-bit: the kernel's tables are linked, never copied, and pinned once at boot: 5 tables per fork
  assert.equal(delta('xen', prefix, [{ op: 'fork' }]).events.tablesPinned, 5);
});

test('mmap/munmap cycles beside another VMA free and re-pin only the PTE page; the directories and the pgd stay pinned', () => {
  // 'keep' is a VMA at the mmap base that was never touched: no pages, no tables of its own. 'a' lands 4 MiB
  // up (after keep's page and the 2 MiB gap, 2 MiB-aligned), in the same PD. free_pgd_range's floor is keep's
  // end: a's PT (its 2 MiB all above the floor, nothing above it) goes, the PD and the PDPT, empty as they
  // are, start below the floor and stay (the prefix's first cycle created them). Per cycle: 10 bounced faults
  // (10 iret); the PT linked by xen_alloc_ptpage (update_va_mapping + PIN_L1: a multicall) then set_pmd
  // (mmu_update); 10 PTEs (10 lone mmu_update); munmap: 10 ptwr clears, pmd_clear (mmu_update), the PT's
  // UNPIN + writable remap (a multicall), 10 MMUEXT_INVLPG_LOCAL
  const cycle: GuestOp[] = [map('a', 10), touch('a', 10), { op: 'unmap', region: 'a' }];
  const d = delta('xen', [map('keep', 1), ...cycle], [...cycle, ...cycle]);
  assert.deepEqual(d.hypercalls, { iret: 2 * 10, multicall: 2 * 2, mmu_update: 2 * 12, mmuext_op: 2 * 10 });
  assert.deepEqual([d.events.tablesPinned, d.events.tablesUnpinned], [2 * 1, 2 * 1]);
  // alone in its mm (floor 0, ceiling the top of user space) Linux frees everything the region used: PT, PD
  // and PDPT go and come back each cycle (3 pinned, 3 unpinned); the pgd itself is never unpinned
  const lone = delta('xen', [...cycle], [...cycle, ...cycle]);
  assert.deepEqual([lone.events.tablesPinned, lone.events.tablesUnpinned], [2 * 3, 2 * 3]);
});

test('a self-IPI sent with events masked: the unmask forces the pending upcall with a null hypercall', () => {
  // per IPI: EVTCHNOP_send, the upcall's iret — and masked, one xen_version from xen_force_evtchn_callback
  const plain = delta('xen', [], [{ op: 'ipi', target: 'self', count: 3 }]);
  assert.deepEqual(plain.hypercalls, { event_channel_op: 3, iret: 3 });
  const masked = delta('xen', [], [{ op: 'ipi', target: 'self', count: 3, masked: true }]);
  assert.deepEqual(masked.hypercalls, { event_channel_op: 3, xen_version: 3, iret: 3 });
});

test('an IPI to a halted other vCPU: one EVTCHNOP_send, the target woken by Xen, its upcall, and its next SCHEDOP_block', () => {
  const d = delta('xen', [], [{ op: 'ipi', target: 'other', count: 3 }]);
  // per IPI: the sender's event_channel_op, the target's iret from its upcall and its sched_op block after it
  assert.deepEqual(d.hypercalls, { event_channel_op: 3, iret: 3, sched_op: 3 });
  assert.equal(d.events.vcpuWakeups, 3);
  // intel-modern: Xen's IPI to the target's physical CPU (native.ipi 2,095) and its schedule in and out
  // (contextSwitch 1,500) per IPI
  assert.equal(d.attribution['vcpu-wakeup'], 3 * 1500);
  // a self-IPI wakes nobody and blocks nobody
  assert.deepEqual(delta('xen', [], [{ op: 'ipi', target: 'self', count: 3 }]).hypercalls, { event_channel_op: 3, iret: 3 });
});

test('a PV guest has no superpages: a 2m region is mapped and faulted with 4 KiB pages; a 1g region is refused', () => {
  const huge: GuestOp = { op: 'map', region: 'a', bytes: 2 * 1024 * 1024, pageSize: '2m' };
  // 512 seq writes cover the 512 4 KiB units of one 2 MiB region. Natively (THP) the first write faults in
  // the whole 2 MiB page: 1 fault; a PV guest's kernel sees no PSE, so THP is off and every 4 KiB page
  // faults on its own: 512 bounced page faults, each PTE a validated mmu_update — exactly what the same
  // region mapped with 4 KiB pages costs
  assert.equal(delta('native', [huge], [touch('a', 512)]).events.pageFaults, 1);
  const pv = delta('xen', [huge], [touch('a', 512)]);
  assert.equal(pv.exits.page_fault, 512);
  assert.deepEqual(pv, delta('xen', [map('a', 512)], [touch('a', 512)]));
  assert.equal(run('xen', [huge]).events.hugePageFallbacks, 1);
  // HVM guests see PSE: one fault, as natively
  assert.equal(delta('xen:mode=hvm', [huge], [touch('a', 512)]).events.pageFaults, 1);
  assert.throws(() => run('xen', [{ op: 'map', region: 'g', bytes: 2 ** 30, pageSize: '1g' }]), /map: 1g pages need a guest that may map superpages, which a Xen PV guest may not/);
});

test('a munmap seen on other vCPUs: one mmuext_op for the mask, one flush per other vCPU, counted as its targets', () => {
  // the process's threads ran on vCPUs 1, 2 and 3 (kernel.ts shootdown), so mm_cpumask has 3 CPUs besides
  // vCPU 0: xen_flush_tlb_multi issues one MMUEXT_INVLPG_MULTI (one page), and Xen flushes the page on each
  // of the 3 (intel-modern: one INVLPG each, cause shootdown), one IPI each
  const d = delta('xen', [map('b', 1), touch('b', 1)], [{ op: 'shootdown', region: 'b', cpus: 4 }]);
  assert.equal(d.events.shootdownTargets, 3);
  assert.equal(d.events.ipis, 3);
  assert.equal(d.flushCause.shootdown, 3);
  // alone on its vCPU, the same munmap reaches nobody
  assert.equal(delta('xen', [map('b', 1), touch('b', 1)], [{ op: 'shootdown', region: 'b', cpus: 1 }]).events.shootdownTargets, undefined);
});
