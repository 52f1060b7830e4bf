// The measured region of a validation run: what the measured ops cost, apart from the setup that prepares
// them (mapping and faulting memory in, booting the address space), as kvm-unit-tests and HyperBench time
// only their loop. The run is simulated twice, setup alone and setup followed by the measured ops, and the
// counters are subtracted: the engines are deterministic and the setup is a prefix of the longer run, so the
// difference is exactly what the measured ops added (including what accrues with their guest time, such as
// host timer ticks).
import type { Engine, GuestOp, OptionValue } from '../../engines/types.ts';
import type { CostProfile } from '../../engines/machine/profile.ts';
import { wholeRun } from '../../engines/machine/phase-counters.ts';

/** the counters a validation metric reads */
export interface MeasuredCounters {
  cycles: number;
  tlbMisses: number;
  walkRefs: number;
}

export interface ResolvedRun {
  engine: Engine;
  options: Record<string, OptionValue>;
}

const SEED = 1;

async function totals(run: ResolvedRun, profile: CostProfile, ops: readonly GuestOp[]): Promise<MeasuredCounters> {
  // the whole run: an engine that separates phases reports the boot and any `phase` operation's setup apart
  const c = wholeRun(await run.engine.run({ ops, profile, options: run.options, seed: SEED }));
  return { cycles: c.cycles.total, tlbMisses: c.tlb.misses, walkRefs: c.tlb.walkRefs };
}

export async function measureRun(
  run: ResolvedRun,
  setup: readonly GuestOp[],
  measured: readonly GuestOp[],
  profile: CostProfile,
): Promise<MeasuredCounters> {
  const before = await totals(run, profile, setup);
  const after = await totals(run, profile, [...setup, ...measured]);
  return {
    cycles: after.cycles - before.cycles,
    tlbMisses: after.tlbMisses - before.tlbMisses,
    walkRefs: after.walkRefs - before.walkRefs,
  };
}
