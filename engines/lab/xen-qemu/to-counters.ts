// One xen-qemu run as RunCounters under the shared names (docs/architecture.md#counters): Xen's own trace
// gives the hypercalls (by Xen's name, a multicall once) and the PV traps (by xenalyze's name, as the `xen`
// engine counts them among `exits`), Linux's tracepoints the batching, pins and CR3 writes, the op-runner
// the page faults and context switches. Per operation, everything is kept in `measured.ops`.
import { Counters } from '../../machine/counters.ts';
import type { GuestOp, RunCounters } from '../../types.ts';
import type { RunnerOutput } from '../op-runner/output.ts';
import { prefixed, type Tally } from './op-windows.ts';
import { countByPhase } from '../phase-split.ts';

/**
 * The op-runner's begin marker is a privcmd ioctl: after the marker hypercall the kernel returns to user
 * mode, and a 64-bit PV kernel returns to user mode by the `iret` hypercall (Linux arch/x86/xen/xen-asm.S
 * xen_iret). That return falls inside every window; the end marker's entry (a system call, which Xen
 * bounces without a trace record) does not. So each window holds exactly one `iret` that is the marker's.
 */
export const MARKER_IRETS_PER_OP = 1;

export interface XenQemuRun {
  /** the operations the op-runner ran (no `phase`: engines/lab/phase-split.ts) */
  ops: GuestOp[];
  /** the index of the first operation of the measured phase; the ones before are setup */
  measuredFrom: number;
  runner: RunnerOutput;
  /** parseLinuxXenTrace, one tally per op */
  linux: Tally[];
  /** parseXenalyzeDump, one tally per op */
  xen: Tally[];
  /** what the report says about the run: Xen / kernel versions, accelerator, boot time */
  about: Record<string, unknown>;
}

export interface OpRecord {
  index: number;
  op: string;
  status: string;
  ns: number;
  pageFaults: number;
  contextSwitches: number;
  hypercalls: Tally;
  /** the hypercalls among them that resumed a preempted one (xenalyze-dump.ts `continuation:`) */
  continuations: Tally;
  traps: Tally;
  /** the op's share of the shared events (mmuUpdates, tablesPinned, ...), as the run's totals count them */
  events: Tally;
  linux: Tally;
}

function nonZero(tally: Tally): Tally {
  return Object.fromEntries(Object.entries(tally).filter(([, n]) => n));
}

/** the hypercalls Xen saw in one window, less the marker's own iret */
export function opHypercalls(xen: Tally): Tally {
  const calls = prefixed(xen, 'hypercall:');
  if (calls.iret !== undefined) {
    calls.iret -= MARKER_IRETS_PER_OP;
    if (calls.iret <= 0) delete calls.iret;
  }
  return calls;
}

/**
 * The vCPUs other than the caller's that the `command` flushes of one window reached. Linux's
 * flush_tlb_mm_range (arch/x86/mm/tlb.c) calls flush_tlb_multi only when a CPU other than its own is in
 * mm_cpumask(mm), and passes the whole mask, its own CPU included; since Linux 5.13 xen_flush_tlb_multi
 * (arch/x86/xen/mmu_pv.c) keeps that CPU in the vCPU mask of its one MMUEXT_TLB_FLUSH_MULTI / INVLPG_MULTI.
 * Xen turns the mask into physical CPUs (xen/arch/x86/mm.c do_mmuext_op → vcpumask_to_pcpumask) and
 * flush_tlb_mask / flush_tlb_one_mask (xen/arch/x86/smp.c flush_area_mask) flushes the local one itself and
 * each other one by an IPI: a flush per target. The model's one hypercall does the same
 * (engines/paravirtual/xen-platform.ts flushMulti): it counts the caller's flush as a local one and one
 * `shootdownTargets` per other vCPU of the mask, so both count each call's ncpus less one.
 */
function remoteTargets(l: Tally, command: 'invlpg_multi' | 'tlb_flush_multi'): number {
  return Math.max(0, (l[`${command}_cpus`] ?? 0) - (l[command] ?? 0));
}

/** flush_tlb_multi's flushes: the caller's as its own flush would be (MMUEXT_INVLPG_LOCAL one page,
 *  TLB_FLUSH_LOCAL all), each other target's as caused by the shootdown, one page or everything (Xen's
 *  do_tlb_flush drops the global entries too) */
function countMultiFlushes(c: Counters, l: Tally): void {
  const single = remoteTargets(l, 'invlpg_multi');
  const full = remoteTargets(l, 'tlb_flush_multi');
  if (l.invlpg_multi) c.flush('single', 'invlpg', l.invlpg_multi);
  if (l.tlb_flush_multi) c.flush('full', 'hypercall', l.tlb_flush_multi);
  if (single) c.flush('single', 'shootdown', single);
  if (full) c.flush('full', 'shootdown', full);
}

/** what `setup` holds on xen-qemu: dom0's boot happens before the first window and is in neither phase */
export const PHASES_NOTE = 'setup is the operations before the phase operation (ops[0 … measuredFrom − 1]); the boot of Xen and the guest is outside every operation window and counted in neither phase';

export function toCounters(run: XenQemuRun): RunCounters {
  const { ops, runner, linux, xen, measuredFrom } = run;
  if (linux.length !== ops.length) throw new Error(`xen-qemu: Linux's trace has ${linux.length} operations for ${ops.length}`);
  if (xen.length !== ops.length) throw new Error(`xen-qemu: Xen's trace has ${xen.length} operations for ${ops.length}`);
  const c = new Counters();
  const skipped: Record<string, number> = {};
  // the windows exclude dom0's boot, so setup is the operations before `phase` alone
  const records: OpRecord[] = countByPhase(c, ops, measuredFrom, (op, i) => {
    const r = runner.ops[i];
    if (r.status === 'skipped') skipped[op.op] = (skipped[op.op] ?? 0) + 1;
    const hypercalls = opHypercalls(xen[i]);
    const traps = prefixed(xen[i], 'trap:');
    const l = linux[i];
    for (const [name, n] of Object.entries(hypercalls)) c.hypercall(name, n);
    for (const [name, n] of Object.entries(traps)) c.exit(name, n);
    const events: Tally = {
      pageFaults: r.pageFaults,
      contextSwitches: r.contextSwitches,
      multicallEntries: Object.values(prefixed(xen[i], 'entry:')).reduce((a, b) => a + b, 0),
      mmuUpdates: xen[i]['requests:mmu_update'] ?? 0,
      mmuextOps: xen[i]['requests:mmuext_op'] ?? 0,
      pgdPins: l.pgd_pin ?? 0,
      pgdUnpins: l.pgd_unpin ?? 0,
      // table pages made read-only for Xen and back, as the xen engine counts them: every page of an mm's
      // tree at its pin / unpin, and a table page linked into (released from) a pinned tree
      tablesPinned: (l.pin_pages ?? 0) + (l.ptpage_pinned ?? 0),
      tablesUnpinned: (l.unpin_pages ?? 0) + (l.ptpage_released_pinned ?? 0),
      cr3Writes: (l['cr3:kernel'] ?? 0) + (l['cr3:user'] ?? 0),
      linuxMulticallEntries: l.multicallEntries ?? 0,
      linuxMergedRequests: Object.values(prefixed(l, 'merged:')).reduce((a, b) => a + b, 0),
      setPte: l.set_pte ?? 0,
      shootdownTargets: remoteTargets(l, 'invlpg_multi') + remoteTargets(l, 'tlb_flush_multi'),
    };
    for (const [name, n] of Object.entries(events)) if (n) c.event(name, n);
    // a new CR3 (MMUEXT_NEW_BASEPTR / NEW_USER_BASEPTR) drops the non-global TLB entries; Linux's
    // flush_tlb_one_user is MMUEXT_INVLPG_LOCAL, one page; flush_tlb_multi flushes every vCPU of its mask
    if (events.cr3Writes) c.flush('nonGlobal', 'cr3', events.cr3Writes);
    if (l.flush_tlb_one_user) c.flush('single', 'invlpg', l.flush_tlb_one_user);
    countMultiFlushes(c, l);
    const continuations = prefixed(xen[i], 'continuation:');
    return { index: i, op: op.op, status: r.status, ns: r.ns, pageFaults: r.pageFaults, contextSwitches: r.contextSwitches, hypercalls, continuations, traps, events: nonZero(events), linux: l };
  });
  const counters = c.snapshot();
  counters.measured = {
    ...run.about,
    counts: runner.counts === 'perf' ? 'page faults and context switches of the op-runner\'s processes (perf software events)' : 'page faults and context switches of all of dom0 (/proc deltas)',
    timingsRepresentative: false,
    timingsNote: 'QEMU emulates every instruction (TCG): counts are real Xen and Linux behaviour, times are not, so no cycles are charged',
    markerIretsPerOp: MARKER_IRETS_PER_OP,
    phases: PHASES_NOTE,
    measuredFrom,
    skipped: { total: Object.values(skipped).reduce((a, b) => a + b, 0), byOp: skipped },
    ops: records,
  };
  return counters;
}
