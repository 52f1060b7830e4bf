// Flat views of the power section for the CSV writer and for `compare`. Both are deterministic functions of
// the results (simulated counters, no timings), so `compare` can gate on them anywhere.
import type { PowerResults } from './types.ts';

export interface PowerCsvRow {
  scenario: string;
  engine: string;
  design: string;
  policy: string;
  scheduler: string;
  cpufreq: string;
  hostGovernor: string;
  guestGovernor: string;
  vm: string;
  bookedCycles: number;
  entitledCycles: number;
  deliveredCycles: number;
  deliveredOfBookedPct: number;
  deliveredOfEntitledPct: number;
  slaMisses: number;
  p95LatencyMs: number;
  runEnergyJ: number;
  runAvgPowerW: number;
  runFairness: number;
  runTransitions: number;
  runRaplThrottled: number;
}

/** one row per (scenario, engine, policy, VM), with the run's totals repeated on each */
export function powerCsvRows(power: PowerResults): PowerCsvRow[] {
  return power.runs.flatMap((run) =>
    run.vms.map((vm) => ({
      scenario: run.scenario,
      engine: run.engine,
      design: run.design,
      policy: run.policy,
      scheduler: run.scheduler,
      cpufreq: run.cpufreq,
      hostGovernor: run.hostGovernor,
      guestGovernor: run.guestGovernor ?? '',
      vm: vm.vm,
      bookedCycles: vm.bookedCycles,
      entitledCycles: vm.entitledCycles,
      deliveredCycles: vm.deliveredCycles,
      deliveredOfBookedPct: vm.deliveredOfBookedPct,
      deliveredOfEntitledPct: vm.deliveredOfEntitledPct,
      slaMisses: vm.slaMisses,
      p95LatencyMs: vm.p95LatencyMs,
      runEnergyJ: run.energyJ,
      runAvgPowerW: run.avgPowerW,
      runFairness: run.fairness,
      runTransitions: run.transitions,
      runRaplThrottled: run.raplThrottled,
    })),
  );
}

/**
 * `power.<scenario>.<engine>.<policy>.<metric>` for the run totals, and
 * `power.<scenario>.<engine>.<policy>.vm.<vm>.<metric>` per VM (the engine's label: `xen`, `xen:sched=credit`)
 */
export function powerMetrics(power: PowerResults): Record<string, number> {
  const out: Record<string, number> = {};
  for (const run of power.runs) {
    const key = `power.${run.scenario}.${run.engine}.${run.policy}`;
    out[`${key}.energyJ`] = run.energyJ;
    out[`${key}.avgPowerW`] = run.avgPowerW;
    out[`${key}.fairness`] = run.fairness;
    out[`${key}.transitions`] = run.transitions;
    out[`${key}.guestRequests`] = run.guestRequests;
    out[`${key}.slaMisses`] = run.vms.reduce((sum, vm) => sum + vm.slaMisses, 0);
    for (const vm of run.vms) {
      out[`${key}.vm.${vm.vm}.deliveredOfBookedPct`] = vm.deliveredOfBookedPct;
      out[`${key}.vm.${vm.vm}.deliveredOfEntitledPct`] = vm.deliveredOfEntitledPct;
    }
  }
  return out;
}
