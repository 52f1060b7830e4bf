// Hardware-autonomous P-state selection: Intel HWP (intel_pstate in active mode) and AMD's CPPC
// (amd-pstate in active mode). The OS writes one request — lowest and highest performance, desired = 0
// (autonomous), and the energy-performance preference (IA32_HWP_REQUEST bits 31:24, Intel SDM Vol. 3B
// §15.4.4; MSR_AMD_CPPC_REQ) — and the CPU picks the operating point itself, re-evaluating far more often
// than a software governor samples. Nothing runs in the OS per decision, so there is no sampling period to
// beat against a scheduler's pattern.
//
// The selection algorithm is not published; EPP is documented only as a hint from 0 (maximum performance)
// to 255 (maximum energy efficiency). Estimate: every millisecond the CPU aims for a busy fraction of EPP/256
// of the last millisecond — f_next = f_cur · busy / (EPP/256), rounded up to a P-state — so EPP 0 runs at P0
// whenever the core did anything, 128 at twice the speed the load needed, and 255 at just that speed, still
// stepping up when the core was fully busy. An idle millisecond drops it to the slowest state (the core is in
// a C-state, its frequency costs nothing there).
import type { Governor } from './governor.ts';
import type { EppPreference, PowerProfile } from '../types.ts';
import { atOrAbove, slowestIndex } from '../p-states.ts';

/** intel_pstate's energy_performance_preference strings (HWP_EPP_PERFORMANCE 0x00, HWP_EPP_BALANCE_PERFORMANCE
 *  0x80, HWP_EPP_BALANCE_POWERSAVE 0xC0, HWP_EPP_POWERSAVE 0xFF); amd-pstate uses the same four values */
export const EPP_VALUES: Record<EppPreference, number> = { performance: 0, balance_performance: 128, balance_power: 192, power: 255 };

export class AutonomousGovernor implements Governor {
  readonly id = 'autonomous' as const;
  private readonly targetBusy: number;

  constructor(
    private readonly profile: PowerProfile,
    epp: EppPreference,
  ) {
    this.targetBusy = EPP_VALUES[epp] / 256;
  }

  step(busyMs: number, dtMs: number, current: number): number {
    const busy = busyMs / dtMs;
    let next: number;
    if (busy === 0) next = slowestIndex(this.profile);
    else if (this.targetBusy === 0) next = 0;
    else next = atOrAbove(this.profile, (this.profile.pStates[current].mhz * busy) / this.targetBusy);
    return next === current ? -1 : next;
  }
}
