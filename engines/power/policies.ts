// Who decides the P-state under each policy, per design. The host governor lives where each design puts
// cpufreq: Xen runs it in the hypervisor (Xen 3.3+, 2008; before that Dom0's Linux drove P-states), with
// ondemand as its default; a KVM host is a Linux kernel whose default governor today is schedutil.
import type { GovernorId, PowerDesign, PowerPolicyId } from './types.ts';

export interface PolicyPlan {
  id: PowerPolicyId;
  title: string;
  /** the host-side frequency decision: a governor, or VirtualPower's rules over the guests' soft states */
  host: GovernorId | 'vpm';
  /**
   * what guests do with their own governor's choice:
   * none — guests are unaware (no P-states exposed, or writes ignored);
   * direct — the write reaches the hardware while the vCPU runs, and the host governor overwrites it at its
   *   next sample: a hypothetical PERF_CTL pass-through on KVM (KVM does not pass IA32_PERF_CTL through;
   *   what exists is Linux's virtual-cpufreq, which asks the VMM rather than the hardware);
   * discarded — the guest's governor runs and writes, and nothing happens: Xen ignores a domU's (and an HVM
   *   guest's) writes to PERF_CTL (xen/arch/x86/msr.c, guest_wrmsr: write-discard except for the cpufreq
   *   controller, a PV Dom0 booted with cpufreq=dom0-kernel);
   * soft — the write only records a soft P-state that the hypervisor's rules map onto the hardware
   */
  guest: 'none' | 'direct' | 'discarded' | 'soft';
  /** scheduler charges work at f_max-equivalent (Hagimont et al.) instead of wall time */
  dvfsAware: boolean;
}

export const POWER_POLICIES: readonly PowerPolicyId[] = [
  'performance',
  'powersave',
  'host-only',
  'guest-host-conflict',
  'soft-pstates',
  'dvfs-aware-credits',
];

export const POLICY_TITLES: Record<PowerPolicyId, string> = {
  performance: 'performance (always P0)',
  powersave: 'powersave (always slowest)',
  'host-only': 'host governor only, guests unaware',
  'guest-host-conflict': 'guest and host governors both active (Xen discards the guest writes; KVM: hypothetical pass-through)',
  'soft-pstates': 'VirtualPower soft P-states',
  'dvfs-aware-credits': 'host governor + DVFS-aware credits',
};

export function hostGovernorOf(design: PowerDesign): GovernorId {
  return design === 'xen' ? 'ondemand' : 'schedutil';
}

export function planFor(policy: PowerPolicyId, design: PowerDesign): PolicyPlan {
  const governed = hostGovernorOf(design);
  const base = { id: policy, title: POLICY_TITLES[policy] };
  switch (policy) {
    case 'performance':
    case 'powersave':
      return { ...base, host: policy, guest: 'none', dvfsAware: false };
    case 'host-only':
      return { ...base, host: governed, guest: 'none', dvfsAware: false };
    case 'guest-host-conflict':
      return { ...base, host: governed, guest: design === 'xen' ? 'discarded' : 'direct', dvfsAware: false };
    case 'soft-pstates':
      return { ...base, host: 'vpm', guest: 'soft', dvfsAware: false };
    case 'dvfs-aware-credits':
      return { ...base, host: governed, guest: 'none', dvfsAware: true };
  }
}
