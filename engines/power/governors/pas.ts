// The frequency half of Hagimont et al.'s power-aware scheduler, PAS ("DVFS aware CPU credit enforcement in
// a virtualized system", Middleware 2013), which replaces Xen's ondemand: every sampling period it measures
// the CPU's *absolute* load — busy time weighted by f/f_max of the P-state it ran at, the share of an f_max
// CPU the VMs used — and sets the slowest P-state whose capacity f/f_max covers it. The other half, the
// compensation, is in the schedulers: with `dvfsAware` they charge credit and cap budget at f/f_max, which
// is the paper's credit × f_max/f_new. The paper also weights capacity by a measured per-frequency
// proportionality coefficient (cf); work in this model is CPU-bound, so cf = 1.
// f_max is P0, the fastest state the governor can set and the fastest the hardware sustains with every core
// busy; turbo above it depends on the active cores and the power limit, so a booking cannot be sold in it.
// f is the frequency the core ran at, measured (Xen's cpufreq reads APERF/MPERF, get_measured_perf): under
// turbo the load is above what the request alone would say, under a power limit below it.
// Saturation (estimate): in the paper every VM is capped and the bookings fit one CPU, so the absolute load
// is the whole demand; a CPU that found no idle moment in the period may be holding demand back, and PAS
// then goes to P0 as ondemand does above its threshold.
import type { Governor } from './governor.ts';
import type { PowerProfile } from '../types.ts';
import { EPS } from '../schedulers/scheduler.ts';

export class PasGovernor implements Governor {
  readonly id = 'pas' as const;
  /** Σ busy ms × f/f_max over the period: f_max-equivalent ms of work */
  private work = 0;
  private busy = 0;
  private wall = 0;
  private unarmedMs: number;

  /** `samplingMs`, `phaseMs`: the sampling timer of the ondemand it replaces (Xen's 20 ms) */
  constructor(
    private readonly profile: PowerProfile,
    private readonly samplingMs: number,
    phaseMs: number,
  ) {
    this.unarmedMs = phaseMs;
  }

  step(busyMs: number, dtMs: number, current: number, ranMhz = this.profile.pStates[current].mhz): number {
    if (this.unarmedMs > 0) {
      this.unarmedMs -= dtMs;
      return -1;
    }
    const states = this.profile.pStates;
    this.work += busyMs * (ranMhz / states[0].mhz);
    this.busy += busyMs;
    this.wall += dtMs;
    if (this.wall < this.samplingMs) return -1;
    const absoluteLoad = this.work / this.wall;
    const saturated = this.busy >= this.wall - EPS;
    this.work = 0;
    this.busy = 0;
    this.wall = 0;
    let next = 0;
    if (!saturated) {
      // the slowest state whose f/f_max still covers the load (states are fastest first)
      for (let i = states.length - 1; i > 0; i--) {
        if (states[i].mhz / states[0].mhz >= absoluteLoad - EPS) {
          next = i;
          break;
        }
      }
    }
    return next === current ? -1 : next;
  }
}
