// The simulated engine's boot: its counts for an empty stream. The measured engines count no boot in the
// phases they are compared by (kvm-qemu subtracts its own boot baseline, xen-qemu counts only inside the
// op-runner's operation windows), so the model check takes this out of the model's setup (rows.ts, xen-rows.ts).
import type { RunResult } from '../../harness/results.ts';
import type { Engine, RunCounters } from '../../engines/types.ts';
import { getProfile } from '../../engines/machine/profiles/index.ts';

/** `engine`'s counts for an empty stream under the simulated run's options; null for a profile from a file
 *  (not built in, so it cannot be run again here: the boot stays in) */
export function modelBoot(engine: Engine, sim: RunResult, profileId: string): RunCounters | null {
  try {
    const counted = engine.run({ ops: [], profile: getProfile(profileId), options: sim.options, seed: 0 });
    // the simulated engines are synchronous; a promise would be a measured engine's
    return counted instanceof Promise ? null : counted;
  } catch {
    return null;
  }
}
