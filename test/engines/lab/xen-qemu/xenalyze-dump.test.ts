// Xen's trace buffer as xenalyze dumps it, from runs recorded in a real PV dom0 (fixtures.ts). Expected
// counts are derived from what Linux and Xen do for the operation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXenalyzeDump } from '../../../../engines/lab/xen-qemu/xenalyze-dump.ts';
import { opHypercalls } from '../../../../engines/lab/xen-qemu/to-counters.ts';
import { parseRunnerOutput } from '../../../../engines/lab/op-runner/output.ts';
import { fixture } from './fixtures.ts';

test('memory/fork-exit (1 MiB heap): the faults, mmu_updates and ptwr emulations Xen saw', () => {
  const ops = parseXenalyzeDump(fixture('memory-fork-exit').xenalyze);
  assert.equal(ops.length, 10);
  const touch = ops[1];
  // 256 first touches: each a #PF bounced through Xen, and each new PTE one direct mmu_update (Linux 6.1
  // __xen_set_pte outside lazy-MMU mode), plus the mmu_update of the set_pmd that links the PTE page
  assert.equal(touch['trap:page_fault'], 256);
  assert.equal(touch['hypercall:mmu_update'], 257);
  assert.equal(touch['requests:mmu_update'], 257);
  for (const fork of [ops[2], ops[6]]) {
    // fork write-protects the parent's PTEs with ptep_set_wrprotect, a locked RMW with no paravirt hook: in
    // the parent's pinned (read-only) table each one is a fault Xen emulates (ptwr) — in the first fork at
    // least the 256 heap PTEs; the second finds them read-only already, only the pages the first child's
    // exit left writable again (the 8 it copied are the child's; the parent's stay read-only)
    assert.equal(fork['hypercall:multicall'], 1, 'the pin: one multicall of update_va_mapping and mmuext_op entries');
  }
  assert.ok(ops[2]['trap:ptwr'] >= 256, JSON.stringify(ops[2]));
  for (const childTouch of [ops[4], ops[8]]) {
    // 8 COW faults: the #PF, ptep_clear_flush's xchg on the pinned table (ptwr), its INVLPG
    // (MMUEXT_INVLPG_LOCAL, a lone mmuext_op) and the new PTE (direct mmu_update)
    assert.deepEqual([childTouch['trap:page_fault'], childTouch['trap:ptwr'], childTouch['hypercall:mmu_update']], [8, 8, 8]);
  }
  assert.equal(ops[4]['hypercall:mmuext_op'], 8);
  // the second child was preempted once during its writes (Linux's trace shows two CR3 pairs): switching
  // away and back is two more mmuext_op calls (MMUEXT_NEW_BASEPTR with NEW_USER_BASEPTR merged in)
  assert.equal(ops[8]['hypercall:mmuext_op'], 8 + 2);
});

test('micro/hypercall: 20 null hypercalls through privcmd are 20 xen_version calls', () => {
  const [op] = parseXenalyzeDump(fixture('micro-hypercall').xenalyze);
  assert.equal(op['hypercall:xen_version'], 20);
  // each ioctl returns to user mode by the iret hypercall: 20, plus the begin marker's own return
  assert.ok(opHypercalls(op).iret! >= 20, JSON.stringify(op));
});

test('micro/null-syscall: every system call returns through the iret hypercall', () => {
  const [op] = parseXenalyzeDump(fixture('micro-null-syscall').xenalyze);
  // 50 getppid calls, each returning to user mode by HYPERVISOR_iret (64-bit PV has no SYSRET to user);
  // timer ticks during the op add a few more (one vcpu_op set_singleshot_timer and one iret each)
  const calls = opHypercalls(op);
  assert.ok(calls.iret! >= 50 && calls.iret! <= 50 + 2 * (calls.vcpu_op ?? 0) + 4, JSON.stringify(calls));
});

test('micro/set-cr3: a switch between two processes is three separate hypercalls, no multicall', () => {
  const ops = parseXenalyzeDump(fixture('micro-set-cr3').xenalyze);
  // map, touch, fork, then six switches; the first switch also faults the child in (its first run). Each of
  // the other five: switch_mm's NEW_BASEPTR + NEW_USER_BASEPTR (one mmuext_op of 2 ops, the lazy-CPU batch's
  // only entry), the next task's FS base (set_segment_base) and, after the batch, xen_load_sp0's stack_switch
  for (const op of ops.slice(4)) {
    const calls = opHypercalls(op);
    assert.equal(calls.mmuext_op, 1, JSON.stringify(op));
    assert.equal(op['requests:mmuext_op'], 2);
    assert.equal(calls.set_segment_base, 1);
    assert.equal(calls.stack_switch, 1);
    assert.equal(calls.multicall, undefined);
  }
});

test('micro/pio-kernel: port reads from dom0 user mode with ioperm are emulated by Xen, one trap each', () => {
  const [op] = parseXenalyzeDump(fixture('micro-pio-kernel').xenalyze);
  // 10 INs, each a #GP Xen emulates against the I/O bitmap ioperm set (physdev_op PHYSDEVOP_set_iobitmap,
  // once to open the port and once to close it)
  assert.equal(op['trap:emulate privop'], 10);
  assert.equal(op['hypercall:physdev_op'], 2);
});

test('micro/pio-string: a rep insb from dom0 user mode with ioperm is one emulated trap, and one more each time Xen broke off to deliver an event', () => {
  const [op] = parseXenalyzeDump(fixture('micro-pio-string').xenalyze);
  // 1,000 rep insb of 4,096 bytes from port 0x511. Counted by hand in the dump between the two empty
  // mmuext_op markers: 1,688 "emulate privop" records — each instruction traps once and Xen's rep_ins reads all
  // its bytes unless hypercall_preempt_check stops it; 497 of them come right after an iret, the guest back in
  // user mode from the timer interrupt (vcpu_op set_singleshot_timer) that stopped it. 508 physdev_op: Linux
  // reloads the I/O bitmap (PHYSDEVOP_set_iobitmap) on the way back to a task that has one, and at ioperm's
  // open and close
  assert.equal(op['trap:emulate privop'], 1688);
  assert.equal(op['hypercall:physdev_op'], 508);
  // the 4 KiB buffer was written before the operation (cpu_pio_prepare): Xen saw no page fault in the window
  assert.equal(op['trap:page_fault'], undefined);
  assert.deepEqual(parseRunnerOutput(fixture('micro-pio-string').runner).ops.map((o) => [o.kind, o.status]), [['pio', 'ok']]);
});

test('micro/cpuid from dom0 user mode: no trap at all (the emulated CPU has no CPUID faulting for Xen to use)', () => {
  const [op] = parseXenalyzeDump(fixture('micro-cpuid').xenalyze);
  assert.equal(Object.keys(op).filter((k) => k.startsWith('trap:')).length, 0, JSON.stringify(op));
});

test('nested multicall entries, continuations and records between operations', () => {
  const dump = [
    '   0.1 x d32768v0 hypercall  1 (mmu_update) 3 updates',
    '   0.2 x d32768v0 hypercall 1a (mmuext_op) 0 ops',
    '   0.3 x d32768v0 hypercall  d (multicall) 2 calls',
    '   0.4 x d32768v0  hypercall 1a (mmuext_op) 2 ops',
    '   0.5 x d32768v0  hypercall  e (update_va_mapping)',
    '   0.6 x d32768v0 hypercall  1 (mmu_update) 0 updates (preempted)',
    '   0.7 x d32768v0 page_fault[ 402ff0 0 6640ed80 7f9c 6 ]',
    'x d32768v0 ptwr',
    'x d32768v0 emulate privop[]',
    '   0.8 x d32768v0 hypercall 1a (mmuext_op) 0 ops',
    '   0.9 x d32768v0 hypercall 17 (iret)',
  ].join('\n');
  assert.deepEqual(parseXenalyzeDump(dump), [{
    'hypercall:multicall': 1, 'entry:mmuext_op': 1, 'requests:mmuext_op': 2, 'entry:update_va_mapping': 1,
    'hypercall:mmu_update': 1, 'continuation:mmu_update': 1, 'trap:page_fault': 1, 'trap:ptwr': 1, 'trap:emulate privop': 1,
  }]);
});

test('a multicall Xen preempted and the guest entered again is counted as a continuation of it', () => {
  // the shape of memory/fork-exit's pin multicalls in a real trace: 4 calls announced, 2 entries made before
  // Xen preempted it, an event upcall's iret, then the guest re-enters it with the 2 calls left (one more
  // multicall record, a continuation); then a fresh 2-call multicall made in full (no continuation), and a
  // 3-call one cut short after 1 entry whose next multicall announces 5, not the 2 left (a new batch)
  const dump = [
    'x d32768v0 hypercall 1a (mmuext_op) 0 ops',
    'x d32768v0 hypercall  d (multicall) 4 calls',
    'x d32768v0  hypercall  e (update_va_mapping)',
    'x d32768v0  hypercall 1a (mmuext_op) 1 ops',
    'x d32768v0 hypercall 17 (iret)',
    'x d32768v0 hypercall  d (multicall) 2 calls',
    'x d32768v0  hypercall  e (update_va_mapping)',
    'x d32768v0  hypercall 1a (mmuext_op) 1 ops',
    'x d32768v0 hypercall  d (multicall) 2 calls',
    'x d32768v0  hypercall  e (update_va_mapping)',
    'x d32768v0  hypercall  e (update_va_mapping)',
    'x d32768v0 hypercall  d (multicall) 3 calls',
    'x d32768v0  hypercall  e (update_va_mapping)',
    'x d32768v0 hypercall  d (multicall) 5 calls',
    'x d32768v0 hypercall 1a (mmuext_op) 0 ops',
  ].join('\n');
  const [op] = parseXenalyzeDump(dump);
  // 5 multicall records, the second of them resuming the first
  assert.equal(op['hypercall:multicall'], 5);
  assert.equal(op['continuation:multicall'], 1);
  // entries as made: 2 + 2 + 2 + 1 = 7 (5 update_va_mapping, 2 mmuext_op of 1 request each)
  assert.deepEqual([op['entry:update_va_mapping'], op['entry:mmuext_op'], op['requests:mmuext_op']], [5, 2, 2]);
});

test('memory/fault-storm: Xen sees every first touch as a #PF and an mmu_update, every munmap clear as ptwr', () => {
  const ops = parseXenalyzeDump(fixture('memory-fault-storm').xenalyze);
  assert.equal(ops.length, 15);
  for (let round = 1; round < 5; round++) {
    const touch = ops[3 * round + 1];
    const unmap = ops[3 * round + 2];
    // 8,192 faults bounced through Xen, each new PTE one direct mmu_update (outside lazy-MMU mode), plus one
    // for each of the 16 set_pmd that link a new PTE page: 8,208 calls carrying one request each
    assert.equal(touch['trap:page_fault'], 8192);
    assert.deepEqual([touch['hypercall:mmu_update'], touch['requests:mmu_update']], [8208, 8208]);
    // the zap's ptep_get_and_clear is a locked xchg on the read-only PTE page: emulated by Xen, one per page
    assert.equal(unmap['trap:ptwr'], 8192);
    // the 16 page releases, each a two-entry multicall (MMUEXT_UNPIN_TABLE, update_va_mapping)
    assert.deepEqual([unmap['entry:mmuext_op'], unmap['entry:update_va_mapping']], [16, 16]);
  }
});

test('memory/mmap-churn: mprotect\'s 70 PTE rewrites reach Xen as 70 mmu_update requests in 3 calls, no trap', () => {
  const ops = parseXenalyzeDump(fixture('memory-mmap-churn').xenalyze);
  assert.equal(ops.length, 5);
  const protect = ops[2];
  // 31 + 31 + 8 requests (linux-xen-trace.test.ts derives the batching)
  assert.deepEqual([protect['hypercall:mmu_update'], protect['requests:mmu_update']], [3, 70]);
  assert.equal(Object.keys(protect).filter((k) => k.startsWith('trap:')).length, 0, JSON.stringify(protect));
  // munmap of the 70 pages: each PTE cleared by an emulated xchg
  assert.equal(ops[4]['trap:ptwr'], 70);
});

test('two physical CPUs: each record\'s CPU column is `x.` or `.x`, and both CPUs\' records count', () => {
  // lines as xenalyze printed them for a two-vCPU dom0 (xen-qemu:vcpus=2, the guest's stripping applied): the
  // marker and a munmap on vCPU 0, the helper's page fault on vCPU 1 between them
  const dump = [
    'x. d32768v0 hypercall 1a (mmuext_op) 0 ops',
    'x. d32768v0 hypercall  1 (mmu_update) 1 updates',
    '.x d32768v1 page_fault[]',
    '.x d32768v1 hypercall 17 (iret)',
    'x. d32768v0 hypercall 1a (mmuext_op) 1 ops',
    'x. d32768v0 hypercall 1a (mmuext_op) 0 ops',
  ].join('\n');
  const [op] = parseXenalyzeDump(dump);
  assert.deepEqual(op, {
    'hypercall:mmu_update': 1, 'requests:mmu_update': 1, 'trap:page_fault': 1, 'hypercall:iret': 1,
    'hypercall:mmuext_op': 1, 'requests:mmuext_op': 1,
  });
});
