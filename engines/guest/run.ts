// One run of a workload on a platform: boot the guest kernel (pid 1), feed it the operations, return counters.
// The boot and the operations before a `phase` operation are setup; what follows is the measured phase.
import type { ChargeTrace, GuestOp, Platform, RunCounters } from '../types.ts';
import { Rng } from '../rng.ts';
import { GuestKernel } from './kernel.ts';

export function runGuest(platform: Platform, ops: Iterable<GuestOp>, seed: number, trace?: ChargeTrace): RunCounters {
  const kernel = new GuestKernel(platform, new Rng(seed));
  // the VM's boot (the first address space, its root table) is setup even in a stream without `phase`
  endSetup(platform, trace);
  for (const op of ops) {
    if (op.op === 'phase') endSetup(platform, trace);
    else {
      kernel.run(op);
      kernel.takeTicks();
    }
  }
  platform.endRun?.();
  return platform.counters.snapshot();
}

function endSetup(platform: Platform, trace: ChargeTrace | undefined): void {
  platform.endRun?.();
  platform.counters.markSetup();
  // what a trace holds is the measured phase, like the counters: it starts again where setup ends
  if (trace !== undefined) {
    trace.reset();
    platform.counters.trace = trace;
  }
}
