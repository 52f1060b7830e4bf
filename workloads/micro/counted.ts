// The shape of a micro-benchmark: one operation repeated `count` times, as kvm-unit-tests x86/vmexit.c and
// HyperBench loop one exiting instruction and report cycles per iteration.
import type { GuestOp } from '../../engines/types.ts';
import { defineWorkload, param } from '../params.ts';
import type { Workload } from '../types.ts';

export function counted(w: {
  name: string;
  title: string;
  description: string;
  /** Workload.notMeaningfulOnPv; the description then says so in a sentence of its own */
  notMeaningfulOnPv?: string;
  defaultCount: number;
  op: (count: number) => GuestOp;
}): Workload {
  return defineWorkload({
    id: `micro/${w.name}`,
    title: w.title,
    description: w.notMeaningfulOnPv ? `${w.description} Not meaningful on xen (PV): ${w.notMeaningfulOnPv}` : w.description,
    ...(w.notMeaningfulOnPv ? { notMeaningfulOnPv: w.notMeaningfulOnPv } : {}),
    params: { count: param(w.defaultCount, 1, 100_000_000, 'iterations') },
    perOp: (p) => ({ count: p.count, unit: w.name }),
    *generate(p) {
      yield w.op(p.count);
    },
  });
}
