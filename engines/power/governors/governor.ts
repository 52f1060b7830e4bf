// A cpufreq governor, reduced to what the simulation needs: it sees how busy its CPU was in each time step
// and may ask for another P-state. The same code serves a host (sees the physical CPU's busy time) and a
// guest (sees its vCPU's busy time, where time spent runnable but descheduled counts as busy: Linux guests
// report it as steal time, which ondemand's idle-time sampling does not treat as idle).
import type { GovernorId } from '../types.ts';

export interface Governor {
  readonly id: GovernorId;
  /**
   * account one step; returns the P-state index to switch to, or -1 to stay. `ranMhz`: the frequency the core
   * actually ran at (turbo or a power limit can move it off the request), as a host's APERF/MPERF measure it;
   * the request's when absent
   */
  step(busyMs: number, dtMs: number, current: number, ranMhz?: number): number;
}
