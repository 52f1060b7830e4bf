// One recorded xen-qemu run mapped onto the shared counters, per operation (fixtures.ts). Expected counts are
// derived by hand from the op-runner's address space and Linux 6.1's arch/x86/xen/mmu_pv.c.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLinuxXenTrace } from '../../../../engines/lab/xen-qemu/linux-xen-trace.ts';
import { parseXenalyzeDump } from '../../../../engines/lab/xen-qemu/xenalyze-dump.ts';
import { toCounters, type OpRecord } from '../../../../engines/lab/xen-qemu/to-counters.ts';
import { parseRunnerOutput } from '../../../../engines/lab/op-runner/output.ts';
import type { GuestOp } from '../../../../engines/types.ts';
import { fixture } from './fixtures.ts';

// the recorded stream: memory/fork-exit with a 1 MiB heap and 8 writes per child
const FORK_EXIT: GuestOp[] = [
  { op: 'map', region: 'heap', bytes: 1 << 20, pageSize: '4k' },
  { op: 'touch', region: 'heap', pattern: 'stride', stride: 1, accesses: 256, write: true },
  ...[2, 3].flatMap((pid): GuestOp[] => [
    { op: 'fork' }, { op: 'switch', to: pid },
    { op: 'touch', region: 'heap', pattern: 'random', accesses: 8, write: true }, { op: 'exit' },
  ]),
];

test('memory/fork-exit per operation: the pin and unpin walks cover every table page of the child', () => {
  const f = fixture('memory-fork-exit');
  const counters = toCounters({
    ops: FORK_EXIT, measuredFrom: 0, runner: parseRunnerOutput(f.runner), linux: parseLinuxXenTrace(f.ftrace), xen: parseXenalyzeDump(f.xenalyze), about: {},
  });
  const ops = (counters.measured as { ops: OpRecord[] }).ops;
  // The op-runner (a static ELF) has three user areas, each under its own tables: its image and brk heap in
  // PML4 slot 0 (a PUD page, a PMD page, a PTE page for the image and one for the brk heap 2 MiB+ away),
  // the mmap area in slot 255 (a PUD page, a PMD page, two PTE pages: the 1 MiB heap and the 1 MiB I/O
  // buffer this recording still had straddle a 2 MiB boundary) and the stack in the same slot, another GiB
  // (a PMD page, a PTE page). 10 pages, and xen_pgd_pin pins the kernel's and the user's PGD too: 12.
  for (const i of [2, 6]) assert.equal(ops[i].events.tablesPinned, 12, `fork ${i}`);
  for (const i of [5, 9]) assert.equal(ops[i].events.tablesUnpinned, 12, `exit ${i}`);
  // the per-op events add up to the run's
  const sum = ops.reduce((s, o) => s + (o.events.tablesPinned ?? 0), 0);
  assert.equal(sum, counters.events.tablesPinned);
});

test('memory/fork-exit with its map and first touch as setup: the 256 first touches there, the forks\' pins and unpins measured', () => {
  const f = fixture('memory-fork-exit');
  const counters = toCounters({
    ops: FORK_EXIT, measuredFrom: 2, runner: parseRunnerOutput(f.runner), linux: parseLinuxXenTrace(f.ftrace), xen: parseXenalyzeDump(f.xenalyze), about: {},
  });
  const setup = counters.setup!;
  // 1 MiB of 4 KiB pages written once: 256 first-touch faults, each a #PF Xen bounces to dom0's kernel
  assert.ok(setup.events.pageFaults >= 256, String(setup.events.pageFaults));
  assert.ok(setup.exits.byReason.page_fault >= 256, JSON.stringify(setup.exits.byReason));
  // two forks pin 12 table pages each and two exits unpin as many (the test above): all in the measured phase
  assert.equal(counters.events.tablesUnpinned, 24);
  assert.equal(setup.events.tablesUnpinned ?? 0, 0);
  assert.equal(setup.events.pgdPins ?? 0, 0);
  assert.equal(counters.events.pgdPins, 2);
  assert.equal((counters.measured as { measuredFrom: number }).measuredFrom, 2);
});

test('flush_tlb_multi: a flush per vCPU of the mask, the caller\'s own as a local flush, the others\' as the shootdown\'s', () => {
  // one munmap-like op whose window held three xen_flush_tlb_multi calls (linux-xen-trace.test.ts builds the
  // same tally from trace lines): MMUEXT_INVLPG_MULTI to 3 vCPUs, MMUEXT_TLB_FLUSH_MULTI to 2 and to 4
  const linux = [{ flush_tlb_multi: 3, invlpg_multi: 1, invlpg_multi_cpus: 3, tlb_flush_multi: 2, tlb_flush_multi_cpus: 6 }];
  const runner = parseRunnerOutput('op-runner 1 ops=1 counts=perf\nop 0 shootdown ok 0 0 1000 0 0 1\nop-runner done\n');
  const counters = toCounters({
    ops: [{ op: 'shootdown', region: 'buf', cpus: 3 }], measuredFrom: 0, runner, linux, xen: [{ 'hypercall:iret': 1 }], about: {},
  });
  // each mask holds the caller: 3 − 1 = 2 other vCPUs lose one page, (2 − 1) + (4 − 1) = 4 others everything
  assert.equal(counters.events.shootdownTargets, 6);
  assert.deepEqual(counters.tlb.flushes.byCause, { invlpg: 1, hypercall: 2, shootdown: 6 });
  // the caller's page and the 2 others' (single), the 2 callers' and the 4 others' whole TLBs (full)
  assert.deepEqual(counters.tlb.flushes.byScope, { single: 3, full: 6 });
  assert.equal(counters.tlb.flushes.total, 9);
});

test('micro/tlb-shootdown on a two-vCPU dom0 (recorded): each munmap that reached the helper is one target', () => {
  const f = fixture('micro-tlb-shootdown-2cpu');
  // 1,000 cycles of map, touch (one page written), shootdown (munmap while the helper spins on vCPU 1)
  const ops: GuestOp[] = Array.from({ length: 1000 }, (): GuestOp[] => [
    { op: 'map', region: 'buf', bytes: 4096, pageSize: '4k' },
    { op: 'touch', region: 'buf', pattern: 'seq', accesses: 1, write: true },
    { op: 'shootdown', region: 'buf', cpus: 2 },
  ]).flat();
  const linux = parseLinuxXenTrace(f.ftrace);
  const counters = toCounters({ ops, measuredFrom: 0, runner: parseRunnerOutput(f.runner), linux, xen: parseXenalyzeDump(f.xenalyze), about: {} });
  const records = (counters.measured as { ops: OpRecord[] }).ops;
  // the munmap of one page (end − addr = 0x1000) with the helper's vCPU in mm_cpumask: one MMUEXT_INVLPG_MULTI
  // whose mask is both vCPUs, so one other target each; a munmap after the helper's vCPU left the mm (lazy
  // TLB) flushes only here. No other op flushes another vCPU's one page
  let calls = 0;
  ops.forEach((op, i) => {
    const l = linux[i];
    if (op.op !== 'shootdown') return assert.equal(l.invlpg_multi ?? 0, 0, `op ${i} ${op.op}`);
    assert.ok((l.invlpg_multi ?? 0) <= 1, `op ${i}`);
    if (!l.invlpg_multi) return;
    calls++;
    assert.equal(l.invlpg_multi_cpus, 2, `op ${i}`);
    // and no MMUEXT_INVLPG_LOCAL (xen_mmu_flush_tlb_one_user, traced 17 times in this recording, outside the
    // munmaps): Linux 6.1 flushes the caller's page by the same INVLPG_MULTI, as the model does
    // (engines/paravirtual/xen-platform.ts flushMulti, test/engines/guest/guest-cpus.test.ts)
    assert.equal(l.flush_tlb_one_user ?? 0, 0, `op ${i}`);
    assert.equal(records[i].events.shootdownTargets, 1, `op ${i}`);
  });
  // the helper spins through each munmap, so nearly all reached it
  assert.ok(calls >= 990, `${calls} of 1,000 munmaps reached the helper`);
  assert.equal(counters.events.shootdownTargets, calls);
  assert.equal(counters.tlb.flushes.byCause.shootdown, calls, 'one one-page flush on the other vCPU per call');
});
