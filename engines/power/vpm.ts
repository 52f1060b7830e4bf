// VirtualPower Management's local rules (Nathuji & Schwan, "VirtualPower: coordinated power management in
// virtualized enterprise systems", SOSP 2007). Guests keep their own governors and write P-states they
// believe real; the hypervisor records them as *soft* states (VPM states) and maps them onto the machine
// with two mechanisms:
// - hardware scaling: a P-state domain runs at the fastest soft state any VM active on it asked for, so
//   nobody runs slower than it asked;
// - soft scaling: a VM that asked for a slower state than its domain runs at gets the speed it asked for by
//   CPU time instead — its cap becomes f_soft / f_hw (at most its own cap), which the credit scheduler's cap
//   enforces in the paper's Xen. That emulation is what lets guests on a shared domain slow down at all.
// Where the hardware has one P-state for several cores (`pStateDomainCores`, Core 2's shared clock), the
// domain spans them and soft scaling carries more of the work. The paper's rules are event-driven (a guest
// write); here they are re-applied every VPM_PERIOD_MS (estimate: Linux ondemand's 10 ms sampling period,
// the guests' governor, so no request waits longer than one guest sample).
import type { PowerProfile, PowerVmSpec } from './types.ts';
import type { VcpuScheduler } from './schedulers/scheduler.ts';
import { slowestIndex } from './p-states.ts';

export const VPM_PERIOD_MS = 10;

export class VpmLocalRules {
  /** the P-state domain of each CPU */
  private readonly domainOf: Int32Array;
  /** the fastest soft state asked for per domain in the period (an index: smaller is faster) */
  private readonly want: Int32Array;
  private readonly slowest: number;
  /** the soft cap in force per VM; NaN: none set (the VM runs under its own cap) */
  private readonly softCap: Float64Array;

  constructor(
    private readonly profile: PowerProfile,
    private readonly vms: readonly PowerVmSpec[],
    private readonly members: readonly (readonly number[])[],
    private readonly local: Int32Array,
  ) {
    const perDomain = profile.pStateDomainCores ?? 1;
    this.domainOf = Int32Array.from(members, (_, c) => Math.floor(c / perDomain));
    this.want = new Int32Array(Math.ceil(members.length / perDomain));
    this.slowest = slowestIndex(profile);
    this.softCap = new Float64Array(vms.length).fill(NaN);
  }

  /**
   * one application of the rules: `soft[v]` is VM v's soft state, `active[v]` whether it asked for any CPU in
   * the period. Sets each CPU's hardware P-state through `setPState` and each VM's cap on its CPU's scheduler
   */
  apply(soft: Int32Array, active: Uint8Array, scheds: readonly VcpuScheduler[], setPState: (cpu: number, index: number) => void): void {
    this.want.fill(this.slowest);
    for (let v = 0; v < this.vms.length; v++) {
      const d = this.domainOf[this.vms[v].cpu];
      if (active[v] && soft[v] < this.want[d]) this.want[d] = soft[v];
    }
    const states = this.profile.pStates;
    for (let c = 0; c < this.members.length; c++) {
      const hw = this.want[this.domainOf[c]];
      setPState(c, hw);
      const onCpu = this.members[c];
      for (let k = 0; k < onCpu.length; k++) {
        const v = onCpu[k];
        const own = this.vms[v].cap;
        const ratio = states[soft[v]].mhz / states[hw].mhz;
        const cap = ratio < 1 && (own === null || ratio < own) ? ratio : NaN;
        if (Object.is(cap, this.softCap[v])) continue;
        this.softCap[v] = cap;
        scheds[c].setCap(this.local[v], Number.isNaN(cap) ? own : cap);
      }
    }
  }
}
