// Linux's Xen tracepoints, parsed from traces recorded in a real PV dom0 (fixtures.ts). Expected counts are
// derived from what Linux 6.1's arch/x86/xen code does for the operation, not read off the parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLinuxXenTrace } from '../../../../engines/lab/xen-qemu/linux-xen-trace.ts';
import { fixture } from './fixtures.ts';

test('memory/fork-exit (1 MiB heap, 8 child writes): faults, pins, batching', () => {
  // ops: 0 map, 1 touch (256 pages written), 2 fork, 3 switch, 4 touch (8 writes), 5 exit, 6 fork, 7 switch,
  // 8 touch, 9 exit
  const ops = parseLinuxXenTrace(fixture('memory-fork-exit').ftrace);
  assert.equal(ops.length, 10);
  const touch = ops[1];
  // 256 first touches, each do_anonymous_page → set_pte_at outside any lazy-MMU window
  assert.equal(touch.set_pte, 256);
  // the heap's first PTE page: linked into the pinned tree, so pinned itself (xen_alloc_ptpage: its
  // update_va_mapping (read-only) and MMUEXT_PIN_L1_TABLE go out as one two-entry multicall) before the
  // set_pmd that links it, a lone mmu_update
  assert.equal(touch.ptpage_pinned, 1);
  assert.deepEqual([touch['call:multicall'], touch.multicallEntries, touch['call:mmu_update'], touch.set_pmd], [1, 2, 1, 1]);
  for (const fork of [ops[2], ops[6]]) {
    // dup_mmap copies the tables, then the child's whole tree is pinned once (xen_pgd_pin)
    assert.equal(fork.pgd_pin, 1);
    // the child's 256 heap PTEs are written in copy_pte_range's lazy-MMU window: merged into mmu_update
    // batches, never one hypercall each
    assert.ok(fork['merged:mmu_update'] >= 256 - fork['queued:mmu_update'], JSON.stringify(fork));
  }
  for (const exit of [ops[5], ops[9]]) assert.equal(exit.pgd_unpin, 1, 'exit_mmap unpins the child before teardown');
  // the pin walk makes every table page of the child read-only and the unpin walk makes the same pages
  // writable again, one update_va_mapping each: the two counts are equal (and the root is among them)
  for (const [fork, exit] of [[ops[2], ops[5]], [ops[6], ops[9]]]) {
    assert.ok(fork.pin_pages >= 2, JSON.stringify(fork));
    assert.equal(fork.pin_pages, exit.unpin_pages);
  }
  // each child write is a COW fault: ptep_clear_flush's INVLPG of the old mapping (flush_tlb_one_user, a
  // lone mmuext_op) and the new PTE
  for (const childTouch of [ops[4], ops[8]]) {
    assert.equal(childTouch.flush_tlb_one_user, 8);
    assert.equal(childTouch.set_pte, 8);
  }
});

test('a context switch writes both CR3s: the kernel and the user page table', () => {
  // micro/set-cr3 (6 switches after setup): ops 3.. are switches; switch_mm → xen_write_cr3 loads the
  // kernel pgd (MMUEXT_NEW_BASEPTR) and the user pgd (MMUEXT_NEW_USER_BASEPTR), one event each
  const ops = parseLinuxXenTrace(fixture('micro-set-cr3').ftrace);
  const switches = ops.slice(3);
  assert.equal(switches.length, 6);
  for (const s of switches) {
    assert.ok(s['cr3:kernel'] >= 1 && s['cr3:kernel'] === s['cr3:user'], JSON.stringify(s));
  }
});

test('the multicall buffer is followed across lines: a flush of one entry is that call, of more a multicall', () => {
  const trace = [
    'tracing_mark_write: hvbench op 0 begin fork',
    'xen_mc_entry: op 1(mmu_update) args [ffff, 1, 0, 7ff0, 0, 0]',
    'xen_mc_extend_args: extending op 1(mmu_update) by 16 bytes res OK',
    'xen_mc_extend_args: extending op 1(mmu_update) by 16 bytes res BAD_OP',
    'xen_mc_flush: flushing 1 hypercalls, 32 arg bytes, 0 callbacks',
    'xen_mc_entry: op 14(update_va_mapping)',
    'xen_mc_entry: op 26(mmuext_op)',
    'xen_mc_flush: flushing 2 hypercalls, 24 arg bytes, 0 callbacks',
    'xen_mmu_alloc_ptpage: mm 00000000721545d2  pfn ad78  level 4  pinned',
    'xen_mmu_alloc_ptpage: mm 00000000721545d2  pfn ad79  level 2  unpinned',
    'tracing_mark_write: hvbench op 0 end',
    'xen_mc_entry: op 3(stack_switch)',
    'xen_mc_flush: flushing 1 hypercalls, 0 arg bytes, 0 callbacks',
  ].join('\n');
  assert.deepEqual(parseLinuxXenTrace(trace), [{
    'queued:mmu_update': 1, 'merged:mmu_update': 1, 'call:mmu_update': 1,
    'queued:update_va_mapping': 1, 'queued:mmuext_op': 1, 'call:multicall': 1, multicallEntries: 2, ptpage_pinned: 1,
  }]);
});

test('a trace cut short or with markers out of order is an error naming the operation', () => {
  assert.throws(() => parseLinuxXenTrace('tracing_mark_write: hvbench op 0 begin map\n'), /operation 0 has no end marker/);
  assert.throws(() => parseLinuxXenTrace('tracing_mark_write: hvbench op 1 begin map\n'), /operation 1 begins after operation -1/);
});

test('memory/mmap-churn: mprotect rewrites each present PTE through ptep_modify_prot, batched in lazy-MMU mode', () => {
  // op 1 wrote the 70 pages of the region once (70 faults, the runner says); op 2 makes them read-only:
  // change_pte_range runs in a lazy-MMU window and xen_ptep_modify_prot_commit queues each new PTE as an
  // mmu_update request (MMU_PT_UPDATE_PRESERVE_AD) merged into the last one while the 512-byte argument
  // space lasts: 31 requests per entry (the 32nd would fill it), so 70 = 31 + 31 + 8, three entries, each
  // flushed alone (a flush of one entry is that hypercall)
  const ops = parseLinuxXenTrace(fixture('memory-mmap-churn').ftrace);
  assert.equal(ops.length, 5);
  const protect = ops[2];
  assert.equal(protect.ptep_modify_prot, 70);
  assert.deepEqual([protect['queued:mmu_update'], protect['merged:mmu_update'], protect['call:mmu_update']], [3, 67, 3]);
  assert.equal(protect.set_pte, undefined, 'no set_pte: the protection change is not a new mapping');
});

test('memory/fault-storm: each 32 MiB round links 16 new PTE pages into the pinned tree and releases them at munmap', () => {
  // 32 MiB of 4 KiB pages is 8,192 PTEs in 16 PTE pages (512 each); a new PTE page is pinned before the
  // set_pmd that links it (xen_alloc_ptpage: update_va_mapping + MMUEXT_PIN_L1_TABLE, one two-entry
  // multicall); munmap's free_pgtables clears the 16 PMD entries and releases each page (xen_release_ptpage:
  // MMUEXT_UNPIN_TABLE + update_va_mapping back to writable, again a two-entry multicall)
  const ops = parseLinuxXenTrace(fixture('memory-fault-storm').ftrace);
  assert.equal(ops.length, 15);
  for (let round = 1; round < 5; round++) {
    const touch = ops[3 * round + 1];
    const unmap = ops[3 * round + 2];
    assert.deepEqual([touch.set_pte, touch.ptpage_pinned, touch.set_pmd], [8192, 16, 16], `round ${round}`);
    assert.deepEqual([unmap.ptpage_released_pinned, unmap.set_pmd], [16, 16], `round ${round}`);
    // zap_pte_range clears PTEs with ptep_get_and_clear (no paravirt hook): no set_pte in the unmap
    assert.equal(unmap.set_pte, undefined);
    assert.ok(touch.multicallEntries >= 32 && unmap.multicallEntries >= 32, JSON.stringify([touch, unmap]));
  }
});

// A one-vCPU dom0 never calls xen_flush_tlb_multi (no mm_cpumask holds another CPU); the two-vCPU recording
// micro-tlb-shootdown-2cpu has only one-page flushes of 2 vCPUs (to-counters.test.ts). These lines, in the
// tracepoint's print format (include/trace/events/xen.h: "ncpus %d mm %p addr %lx, end %lx"), add the raw
// form (ftrace's prefix and the mm pointer), a multi-page range and TLB_FLUSH_ALL, and wider masks.
test('xen_mmu_flush_tlb_multi: the vCPUs of each mask, by the command xen_flush_tlb_multi picks for the range', () => {
  const trace = [
    'tracing_mark_write: hvbench op 0 begin shootdown',
    // one page (end − addr = 0x1000): MMUEXT_INVLPG_MULTI to 3 vCPUs; its multicall entry is issued alone
    '       op-runner-213     [000] d..1.   412.000101: xen_mmu_flush_tlb_multi: ncpus 3 mm 00000000c3a1e2f4 addr 7f5a3c000000, end 7f5a3c001000',
    'xen_mc_entry: op 26(mmuext_op)',
    'xen_mc_flush: flushing 1 hypercalls, 40 arg bytes, 0 callbacks',
    // 64 pages: MMUEXT_TLB_FLUSH_MULTI to 2 vCPUs
    'xen_mmu_flush_tlb_multi: ncpus 2 addr 7f5a3c000000, end 7f5a3c040000',
    // the whole address space (end = TLB_FLUSH_ALL): MMUEXT_TLB_FLUSH_MULTI to 4 vCPUs
    'xen_mmu_flush_tlb_multi: ncpus 4 addr 0, end ffffffffffffffff',
    'tracing_mark_write: hvbench op 0 end',
  ].join('\n');
  const [op] = parseLinuxXenTrace(trace);
  // 3 calls: 1 INVLPG_MULTI of 3 vCPUs, 2 TLB_FLUSH_MULTI of 2 + 4 = 6
  assert.deepEqual(
    [op.flush_tlb_multi, op.invlpg_multi, op.invlpg_multi_cpus, op.tlb_flush_multi, op.tlb_flush_multi_cpus],
    [3, 1, 3, 2, 6],
  );
  assert.deepEqual([op['queued:mmuext_op'], op['call:mmuext_op']], [1, 1]);
});

test('a xen_mmu_flush_tlb_multi line without its fields (an older recording) counts the call and no vCPUs', () => {
  const [op] = parseLinuxXenTrace('tracing_mark_write: hvbench op 0 begin munmap\nxen_mmu_flush_tlb_multi:\ntracing_mark_write: hvbench op 0 end\n');
  assert.deepEqual(op, { flush_tlb_multi: 1 });
});
