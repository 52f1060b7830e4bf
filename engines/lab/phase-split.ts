// Setup apart from the measured phase in the lab engines (engines/types.ts Engine.phases): the op-runner runs
// every record of its stream, so the `phase` operation is taken out of the stream and remembered as the index
// where the measured phase begins; each engine then counts its per-operation windows into one Counters and
// marks the end of setup there (Counters.markSetup), so setup and measured phase come back apart.
import type { Counters } from '../machine/counters.ts';
import type { GuestOp } from '../types.ts';

export interface PhasedStream {
  /** the operations without `phase`, as the guest runs them */
  ops: GuestOp[];
  /** the index in `ops` of the first measured operation: 0 without a `phase` (only the boot is setup) */
  measuredFrom: number;
  /** the workload's own index of `ops[i]` (the phase counted), for messages that name an operation */
  workloadIndex(i: number): number;
}

export function withoutPhase(ops: readonly GuestOp[]): PhasedStream {
  const at = ops.findIndex((op) => op.op === 'phase');
  return { ops: ops.filter((op) => op.op !== 'phase'), measuredFrom: Math.max(0, at), workloadIndex: (i) => (at >= 0 && i >= at ? i + 1 : i) };
}

/**
 * `count(item, i)` for each operation's item in order, with `c.markSetup()` called before the first measured
 * one (after the last item when the stream ends with `phase`), so c.snapshot() is the measured phase with
 * `setup` apart
 */
export function countByPhase<T, R>(c: Counters, items: readonly T[], measuredFrom: number, count: (item: T, i: number) => R): R[] {
  const out = items.map((item, i) => {
    if (i === measuredFrom) c.markSetup();
    return count(item, i);
  });
  if (measuredFrom >= items.length) c.markSetup();
  return out;
}
