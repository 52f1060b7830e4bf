// One (workload, engine) pair: generate the workload's operation stream from the seed, run it on the engine
// for the counters, then time repeated runs with tinybench. Every repeat must reproduce the counters of the
// first run exactly; a simulated engine that does not is reported as a failed pair, not averaged over. What
// run() returns is checked against the counters contract (harness/check-counters.ts) before it is kept, and
// whatever it throws becomes the pair's one-line error.
import { Rng } from '../engines/rng.ts';
import type { Engine, GuestOp, OptionValue, RunCounters } from '../engines/types.ts';
import type { Workload } from '../workloads/types.ts';
import type { TimingStats } from './results.ts';
import type { Catalog } from './catalog.ts';
import { defaultParams } from '../workloads/registry.ts';
import { checkCounters } from './check-counters.ts';
import { describeThrown } from './errors.ts';
import { measureTiming, MEASURED_BUDGET, SIMULATED_BUDGET } from './timing.ts';

export interface PairTask {
  /** position in the run's task list; outcomes come back in this order */
  slot: number;
  workloadId: string;
  engineSpec: string;
  seed: number;
  /** time repeated runs (off for tests that only need counters) */
  timing: boolean;
}

export type PairOutcome =
  | { ok: true; counters: RunCounters; timing: TimingStats | null }
  | { ok: false; error: string };

export function generateOps(catalog: Catalog, workloadId: string, seed: number): GuestOp[] {
  const workload = catalog.workload(workloadId);
  return [...workload.generate(defaultParams(workload), new Rng(seed))];
}

/** the engine's options for this workload: the spec's, overridden by those the workload fixes for the engine */
export function workloadOptions(workload: Workload, engine: Engine, options: Record<string, OptionValue>): Record<string, OptionValue> {
  const fixed = workload.engineOptions?.[engine.id];
  return fixed ? { ...options, ...fixed } : options;
}

export async function runPairTask(catalog: Catalog, task: PairTask): Promise<PairOutcome> {
  try {
    const resolved = catalog.resolveEngine(task.engineSpec);
    const engine = resolved.engine;
    const options = workloadOptions(catalog.workload(task.workloadId), engine, resolved.options);
    const all = generateOps(catalog, task.workloadId, task.seed);
    // an engine that does not know the `phase` operation never sees it and counts the whole run as measured
    const ops = engine.phases ? all : all.filter((op) => op.op !== 'phase');
    const input = { ops, profile: catalog.profile, options, seed: task.seed };
    const counters = checkCounters(await engine.run(input));
    const reference = JSON.stringify(counters);
    let timing: TimingStats | null = null;
    if (task.timing) {
      timing = await measureTiming(async () => {
        const again = checkCounters(await engine.run(input));
        if (engine.mode === 'simulated' && JSON.stringify(again) !== reference) {
          throw new Error(`engine ${engine.id} is not deterministic: a repeat run gave different counters`);
        }
      }, engine.mode === 'measured' ? MEASURED_BUDGET : SIMULATED_BUDGET);
    }
    return { ok: true, counters, timing };
  } catch (err) {
    return { ok: false, error: describeThrown(err) };
  }
}
