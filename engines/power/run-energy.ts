// Energy of one (workload, engine) run of the main suite, from its simulated cycles by domain, on one core of
// the profile's power model (energy.ts) at a chosen P-state. Guest, hypervisor and host cycles are the core
// executing; idle cycles (waiting for a device or a timer) are the core in its idle C-state. The counters are
// at the profile's clock (P0); at a slower P-state the core-bound cycles take f_P0 / f longer, while the
// cycles the model charges to memory latency (memory accesses, their last-level cache and DRAM latency, and
// page-walk references: DRAM and the uncore do not follow core P-states) take the same time.
import type { PowerProfile } from './types.ts';
import { EnergyMeter } from './energy.ts';

/** mechanisms (engines/machine/counters.ts) whose cycles are memory latency, not core work */
const MEMORY_BOUND = ['memory-access', 'data-cache', 'page-walk', 'nested-walk'] as const;

export interface RunCycles {
  cycles: { guest: number; hypervisor: number; host: number; idle: number };
  attribution: Record<string, number>;
}

/** joules the run's core used at P-state `pIndex` (0 = P0, what the `performance` governor holds) */
export function runEnergyJ(run: RunCycles, ghz: number, power: PowerProfile, pIndex = 0): number {
  const { guest, hypervisor, host, idle } = run.cycles;
  const busy = guest + hypervisor + host;
  const memory = Math.min(busy, MEMORY_BOUND.reduce((sum, m) => sum + (run.attribution[m] ?? 0), 0));
  const slowdown = power.pStates[0].mhz / power.pStates[pIndex].mhz;
  const cyclesPerMs = ghz * 1e6;
  const busyMs = ((busy - memory) * slowdown + memory) / cyclesPerMs;
  const totalMs = busyMs + idle / cyclesPerMs;
  if (totalMs === 0) return 0;
  const meter = new EnergyMeter(power);
  meter.add(pIndex, busyMs, totalMs);
  return meter.energyJ;
}
