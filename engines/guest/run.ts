// One run of a workload on a platform: boot the guest kernel (pid 1), feed it the operations, return counters.
import type { GuestOp, Platform, RunCounters } from '../types.ts';
import { Rng } from '../rng.ts';
import { GuestKernel } from './kernel.ts';

export function runGuest(platform: Platform, ops: Iterable<GuestOp>, seed: number): RunCounters {
  const kernel = new GuestKernel(platform, new Rng(seed));
  for (const op of ops) kernel.run(op);
  platform.endRun?.();
  return platform.counters.snapshot();
}
