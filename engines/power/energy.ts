// Power and energy of the simulated host. Per core: a static share (uncore), on unless every core is idle
// and the package has entered its package C-state, which gates the uncore; while executing, leakage ∝ V
// and switching power ∝ C·V²·f (the CMOS dynamic-power law, C calibrated so that P0 draws the profile's
// dynamicWattsAtP0); while idle, the C-state's residual power. Energy is the integral over the simulation's
// fixed time steps (rectangle rule, exact here because state is constant within a step).
import type { PState, PowerProfile } from './types.ts';

export class EnergyMeter {
  /** watts of one executing core at each operating point, excluding the static share */
  private readonly busyWatts: Float64Array;
  private readonly idleWatts: number;
  private readonly staticWatts: number;
  /** static watts per core while the package is in its package C-state */
  private readonly packageIdleWatts: number;
  private joules = 0;

  /** `points`: what `add`'s index selects — the P-states, or the operating points with turbo (operating-points.ts) */
  constructor(profile: PowerProfile, points: readonly PState[] = profile.pStates) {
    // V and f relative to P0, the base clock: turbo points above it draw more than dynamicWattsAtP0
    const p0 = profile.pStates[0];
    this.busyWatts = new Float64Array(points.length);
    points.forEach((s, i) => {
      const v = s.volts / p0.volts;
      this.busyWatts[i] = profile.leakWattsAtP0 * v + profile.dynamicWattsAtP0 * v * v * (s.mhz / p0.mhz);
    });
    // the deepest idle state: the default for callers without an idle governor, and the floor's
    this.idleWatts = Math.min(profile.idle.watts, ...(profile.cStates ?? []).map((c) => c.watts));
    this.staticWatts = profile.staticWattsPerCore;
    this.packageIdleWatts = profile.packageIdle?.wattsPerCore ?? profile.staticWattsPerCore;
  }

  /**
   * one core for `dtMs`, executing (or stalled in a transition or a C-state exit) for `busyMs` of it at
   * P-state (operating point) `pIndex`, idle the rest in a state drawing `idleWatts` (the profile's idle state by default)
   */
  add(pIndex: number, busyMs: number, dtMs: number, idleWatts = this.idleWatts): void {
    const watts = this.staticWatts + (busyMs * this.busyWatts[pIndex] + (dtMs - busyMs) * idleWatts) / dtMs;
    this.joules += (watts * dtMs) / 1000;
  }

  /** all `cpus` cores were idle together for `ms`: the uncore was gated for that long */
  packageIdle(cpus: number, ms: number): void {
    this.joules -= (cpus * (this.staticWatts - this.packageIdleWatts) * ms) / 1000;
  }

  get energyJ(): number {
    return this.joules;
  }

  /** the least energy `cpus` cores can use in `ms`: all idle, the package in its package C-state throughout */
  floorJ(cpus: number, ms: number): number {
    return (cpus * (this.packageIdleWatts + this.idleWatts) * ms) / 1000;
  }
}
