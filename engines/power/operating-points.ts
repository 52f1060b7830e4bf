// The frequencies a core can actually run at: the profile's P-states and, when the host lets P0 turbo, the
// turbo groups above them. The OS requests a P-state; the hardware grants it, except that a P0 request with
// turbo on runs at the turbo limit for the number of active cores (Intel SDM Vol. 3B, "Intel Turbo Boost
// Technology" in its power and thermal management chapter: the opportunistic frequency above base depends on
// how many cores are in C0), and
// a package power limit (rapl.ts) may hold the core slower than either.
//
// Operating points are indexed fastest first: the turbo groups' frequencies, then P0 … Pn.
import type { PState, PowerProfile } from './types.ts';

export class OperatingPoints {
  /** fastest first: turbo groups (when on), then the P-states */
  readonly points: readonly PState[];
  /** operating point of P-state i */
  private readonly pOffset: number;
  /** operating point of a P0 request with k active cores, k = 1 … cpus (index 0 unused) */
  private readonly turboPoint: Int32Array;

  constructor(profile: PowerProfile, turbo: boolean, cpus: number) {
    const groups = turbo ? (profile.turbo ?? []) : [];
    this.points = [...groups.map(({ mhz, volts }) => ({ mhz, volts })), ...profile.pStates];
    this.pOffset = groups.length;
    this.turboPoint = new Int32Array(cpus + 1);
    for (let k = 1; k <= cpus; k++) {
      // the first group that covers k active cores; past the last group, the last group's limit
      const g = groups.findIndex((grp) => k <= grp.activeCores);
      this.turboPoint[k] = g < 0 ? groups.length - 1 : g;
    }
  }

  /** the operating point a request for P-state `pIndex` gets with `activeCores` cores in C0 */
  granted(pIndex: number, activeCores: number): number {
    return pIndex === 0 && this.pOffset > 0 ? this.turboPoint[activeCores] : pIndex + this.pOffset;
  }

  /** the operating point of P-state `pIndex` without turbo */
  ofPState(pIndex: number): number {
    return pIndex + this.pOffset;
  }
}
