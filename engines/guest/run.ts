// One run of a workload on a platform: boot the guest kernel (pid 1), feed it the operations, return counters.
// The boot and the operations before a `phase` operation are setup; what follows is the measured phase.
import type { GuestOp, Platform, RunCounters } from '../types.ts';
import { Rng } from '../rng.ts';
import { GuestKernel } from './kernel.ts';

export function runGuest(platform: Platform, ops: Iterable<GuestOp>, seed: number): RunCounters {
  const kernel = new GuestKernel(platform, new Rng(seed));
  // the VM's boot (the first address space, its root table) is setup even in a stream without `phase`
  endSetup(platform);
  for (const op of ops) {
    if (op.op === 'phase') endSetup(platform);
    else {
      kernel.run(op);
      kernel.takeTicks();
    }
  }
  platform.endRun?.();
  return platform.counters.snapshot();
}

function endSetup(platform: Platform): void {
  platform.endRun?.();
  platform.counters.markSetup();
}
