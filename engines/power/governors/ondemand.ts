// The ondemand governor as Xen's in-hypervisor cpufreq has it (xen/drivers/cpufreq/cpufreq_ondemand.c,
// ported from Linux 2.6.23 in 2008): every sampling period it measures load = busy / wall time; above
// up_threshold (80 %) it jumps to P0; below up_threshold − down_differential (80 − 10 = 70 %) it picks the
// lowest frequency that would have run the same work at 70 % load, f_next = load · f_cur / 70 %; in between
// it stays. Load is time-based, not frequency-invariant: a CPU half busy at any frequency reads 50 %.
import type { Governor } from './governor.ts';
import type { PowerProfile } from '../types.ts';
import { atOrAbove } from '../p-states.ts';

export interface OndemandTunables {
  /** time between two load samples, ms */
  samplingMs: number;
  /** DEF_FREQUENCY_UP_THRESHOLD = 80 */
  upThresholdPct: number;
  /** DEF_FREQUENCY_DOWN_DIFFERENTIAL = 10 */
  downDifferentialPct: number;
  /** the sampling timer is armed this long after the run starts: where its samples fall against the load */
  phaseMs: number;
}

/** Linux's ondemand in a guest: sampling_rate = transition latency × LATENCY_MULTIPLIER (1000), 10 ms for 10 µs parts */
export const ONDEMAND_DEFAULTS: OndemandTunables = { samplingMs: 10, upThresholdPct: 80, downDifferentialPct: 10, phaseMs: 0 };

/**
 * Xen's in-hypervisor ondemand (cpufreq_ondemand.c, cpufreq_governor_dbs): def_sampling_rate = transition
 * latency × 1000, raised to MIN_STAT_SAMPLING_RATE = MIN_SAMPLING_RATE_RATIO (2) × 10 ms = 20 ms
 */
export function xenOndemandTunables(profile: PowerProfile, phaseMs = 0): OndemandTunables {
  // latency in µs × 1000 is that many ms
  return { ...ONDEMAND_DEFAULTS, samplingMs: Math.max(profile.transitionLatencyUs, 20), phaseMs };
}

export class OndemandGovernor implements Governor {
  readonly id = 'ondemand' as const;
  private busy = 0;
  private wall = 0;
  /** time before the sampling timer is armed */
  private unarmedMs: number;

  constructor(
    private readonly profile: PowerProfile,
    private readonly tunables: OndemandTunables = ONDEMAND_DEFAULTS,
  ) {
    this.unarmedMs = tunables.phaseMs;
  }

  step(busyMs: number, dtMs: number, current: number): number {
    if (this.unarmedMs > 0) {
      this.unarmedMs -= dtMs;
      return -1;
    }
    this.busy += busyMs;
    this.wall += dtMs;
    if (this.wall < this.tunables.samplingMs) return -1;
    const loadPct = (100 * this.busy) / this.wall;
    this.busy = 0;
    this.wall = 0;
    let next = current;
    if (loadPct > this.tunables.upThresholdPct) next = 0;
    else {
      const floorPct = this.tunables.upThresholdPct - this.tunables.downDifferentialPct;
      if (loadPct < floorPct) next = atOrAbove(this.profile, (loadPct * this.profile.pStates[current].mhz) / floorPct);
    }
    return next === current ? -1 : next;
  }
}
