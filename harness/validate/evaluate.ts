// A validation case's value on the model: resolve each run's engine against the case's profile, simulate its
// measured region (measure.ts) and compute the case's metric; or, for a power case, simulate the power
// scenario and read one VM's delivered capacity. The profile is a parameter so that `--explain` can evaluate
// the same case on perturbed profiles.
import type { CostProfile } from '../../engines/machine/profile.ts';
import type { Engine, GuestOp } from '../../engines/types.ts';
import { resolveEngine } from '../../engines/registry.ts';
import { Rng } from '../../engines/rng.ts';
import { simulatePower } from '../../engines/power/simulate.ts';
import { defaultPowerEngine } from '../../engines/power/engine-options.ts';
import { powerWorkloads } from '../../workloads/power/index.ts';
import { defaultParams } from '../../workloads/registry.ts';
import type { Workload } from '../../workloads/types.ts';
import { measureRun, type MeasuredCounters } from './measure.ts';
import { patchProfile } from './profile-patch.ts';
import type { Metric, PowerMeasure, RunSpec, ValidationCase } from './types.ts';

export interface EvaluationContext {
  engines: readonly Engine[];
  workloads: readonly Workload[];
}

const WORKLOAD_SEED = 1;

function runOps(spec: RunSpec, ctx: EvaluationContext): readonly GuestOp[] {
  if (!('workload' in spec.measured)) return spec.measured;
  const id = spec.measured.workload;
  const workload = ctx.workloads.find((w) => w.id === id);
  if (!workload) throw new Error(`unknown workload "${id}"`);
  return [...workload.generate(defaultParams(workload), new Rng(WORKLOAD_SEED))];
}

function metricValue(metric: Metric, counters: Record<string, MeasuredCounters>, profile: CostProfile): number {
  switch (metric.kind) {
    case 'cycles-per-op':
      return counters[metric.run].cycles / metric.per;
    case 'ratio': {
      const ratio = counters[metric.num].cycles / counters[metric.den].cycles;
      return metric.asPercentAbove ? (ratio - 1) * 100 : ratio;
    }
    case 'difference-per-op':
      return (counters[metric.num].cycles - counters[metric.den].cycles) / metric.per;
    case 'walk-refs-per-miss':
      return counters[metric.run].walkRefs / counters[metric.run].tlbMisses;
    case 'ms-per-gib':
      return counters[metric.run].cycles / (profile.ghz * 1e6) / metric.gib;
  }
}

function deliveredOfBooked(power: PowerMeasure, policy: PowerMeasure['policy'], profile: CostProfile): number {
  const scenario = powerWorkloads.find((s) => s.id === power.scenario);
  if (!scenario) throw new Error(`unknown power scenario "${power.scenario}"`);
  const run = simulatePower({ scenario, traces: scenario.traces(WORKLOAD_SEED), profile: profile.power, engine: defaultPowerEngine(power.design), policy });
  const vm = run.vms.find((v) => v.vm === power.vm);
  if (!vm) throw new Error(`power scenario ${power.scenario} has no VM "${power.vm}"`);
  return vm.deliveredOfBookedPct;
}

/** the case's value on `profile` (the case's own profile patch applied on top); null when it has nothing to run */
export async function caseValue(c: ValidationCase, base: CostProfile, ctx: EvaluationContext): Promise<number | null> {
  const profile = patchProfile(base, c.profilePatch);
  if (c.power) {
    const value = deliveredOfBooked(c.power, c.power.policy, profile);
    return c.power.minusPolicy ? value - deliveredOfBooked(c.power, c.power.minusPolicy, profile) : value;
  }
  if (!c.runs || !c.metric) return null;
  const counters: Record<string, MeasuredCounters> = {};
  for (const [name, spec] of Object.entries(c.runs)) {
    const runProfile = patchProfile(profile, spec.profilePatch);
    const resolved = resolveEngine(spec.engine, ctx.engines, runProfile);
    counters[name] = await measureRun(resolved, spec.setup, runOps(spec, ctx), runProfile);
  }
  return metricValue(c.metric, counters, profile);
}
