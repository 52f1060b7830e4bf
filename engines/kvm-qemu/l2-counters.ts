// A `kvm-qemu:guest=linux` run as RunCounters under the shared names (docs/architecture.md#counters): the
// exits L1's KVM took inside each operation's bracket, by VMX reason as the simulated `kvm` engine counts
// them, and the op-runner's page faults and context switches. Skipped operations add nothing and are listed.
// The operations before the stream's `phase` are setup (lab/phase-split.ts); L2's boot is outside every
// bracket and in neither phase. Per operation, everything is kept in `measured.ops`.
import { Counters } from '../machine/counters.ts';
import type { GuestOp, RunCounters } from '../types.ts';
import type { RunnerOutput } from '../lab/op-runner/output.ts';
import type { ExitHistogram } from './svm-exits.ts';
import type { OpExits } from './op-brackets.ts';
import { countByPhase } from '../lab/phase-split.ts';

export interface L2Run {
  /** the operations the op-runner ran (no `phase`) and the index of the first measured one */
  ops: GuestOp[];
  measuredFrom: number;
  runner: RunnerOutput;
  exits: OpExits;
  /** events L1's ring buffer lost (nonzero: the counts are short) */
  overrun: number;
  about: Record<string, unknown>;
}

function add(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function addNested(into: Record<string, Record<string, number>>, from: Record<string, Record<string, number>>): void {
  for (const [k, v] of Object.entries(from)) add((into[k] ??= {}), v);
}

export function l2Counters({ ops, measuredFrom, runner, exits, overrun, about }: L2Run): RunCounters {
  if (runner.ops.length !== ops.length) throw new Error(`kvm-qemu: the op-runner reported ${runner.ops.length} operations for ${ops.length}`);
  const c = new Counters();
  const total: ExitHistogram = { byReason: {}, bySvm: {}, total: 0, dropped: overrun };
  const skipped: Record<string, number> = {};
  const msrWrites: Record<string, Record<string, number>> = {};
  const icrVectors: Record<string, Record<string, number>> = {};
  const icrVectorsInUnmap: Record<string, Record<string, number>> = {};
  const ioPorts: Record<string, number> = {};
  const byPhase = { setupByReason: {} as Record<string, number>, measuredByReason: {} as Record<string, number> };
  const records = countByPhase(c, ops, measuredFrom, (op, i) => {
    const r = runner.ops[i];
    const h = exits.byOp[i];
    if (r.status === 'skipped') skipped[op.op] = (skipped[op.op] ?? 0) + 1;
    else {
      for (const [reason, n] of Object.entries(h.byReason)) c.exit(reason, n);
      add(total.byReason, h.byReason);
      add(i < measuredFrom ? byPhase.setupByReason : byPhase.measuredByReason, h.byReason);
      add(total.bySvm, h.bySvm);
      addNested(msrWrites, exits.msrWrites[i]);
      addNested(icrVectors, exits.icrVectors[i]);
      addNested(icrVectorsInUnmap, exits.icrVectorsInUnmap[i]);
      add(ioPorts, exits.ioPorts[i]);
      total.total += h.total;
      if (r.pageFaults) c.event('pageFaults', r.pageFaults);
      if (r.contextSwitches) c.event('contextSwitches', r.contextSwitches);
    }
    return { index: i, op: op.op, ...(op.op === 'touch' && op.cpu ? { cpu: op.cpu } : {}), status: r.status, detail: r.detail, ns: r.ns, pageFaults: r.pageFaults, contextSwitches: r.contextSwitches, exits: h.byReason, msrWrites: exits.msrWrites[i], icrVectors: exits.icrVectors[i], icrVectorsInUnmap: exits.icrVectorsInUnmap[i], ioPorts: exits.ioPorts[i] };
  });
  const counters = c.snapshot();
  counters.measured = {
    ...about,
    guest: 'linux',
    timingsRepresentative: false,
    counts: runner.counts === 'perf' ? "page faults and context switches of the op-runner's processes (perf software events)" : 'page faults and context switches of all of L2 (/proc deltas)',
    // exits are counted inside each operation's bracket only: L2's boot is outside every bracket, so there is
    // no boot baseline to subtract
    l1Exits: { ...total, ...byPhase, baseline: {}, outsideOps: exits.outside, msrWrites, icrVectors, icrVectorsInUnmap, ioPorts, source: "kvm:kvm_exit, kvm:kvm_cpuid and kvm:kvm_msr tracepoints in L1's ring buffer, split by the op-runner's CPUID brackets" },
    skipped: { total: Object.values(skipped).reduce((a, b) => a + b, 0), byOp: skipped },
    measuredFrom,
    ops: records,
  };
  return counters;
}
