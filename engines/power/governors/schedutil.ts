// A schedutil-like governor (Linux 4.7+, kernel/sched/cpufreq_schedutil.c): it follows the scheduler's
// frequency-invariant utilisation, f_next = 1.25 · f_max · util (1.25 puts the tipping point at 80 %
// utilisation; Wysocki's patch introducing schedutil). util is PELT's running average: each millisecond
// decays by y with y^32 = 1/2 and adds the time run scaled by f / f_max, so 50 % of a CPU at half speed is
// 25 % utilisation. Decisions are rate-limited to one per `rateLimitMs` (transition delay: latency × 1000,
// capped at 10 ms in cpufreq_policy_transition_delay_us).
import type { Governor } from './governor.ts';
import type { PowerProfile } from '../types.ts';
import { atOrAbove } from '../p-states.ts';

const PELT_HALF_LIFE_MS = 32;

export class SchedutilGovernor implements Governor {
  readonly id = 'schedutil' as const;
  private util = 0;
  private sinceUpdate = 0;

  constructor(
    private readonly profile: PowerProfile,
    private readonly rateLimitMs = 10,
  ) {}

  step(busyMs: number, dtMs: number, current: number): number {
    const decay = Math.pow(0.5, dtMs / PELT_HALF_LIFE_MS);
    const states = this.profile.pStates;
    const invariantBusy = (busyMs / dtMs) * (states[current].mhz / states[0].mhz);
    this.util = this.util * decay + (1 - decay) * invariantBusy;
    this.sinceUpdate += dtMs;
    if (this.sinceUpdate < this.rateLimitMs) return -1;
    this.sinceUpdate = 0;
    const next = atOrAbove(this.profile, 1.25 * states[0].mhz * this.util);
    return next === current ? -1 : next;
  }
}
