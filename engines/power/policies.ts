// Who decides the P-state under each policy, per engine. The host governor lives where the engine's cpufreq
// option puts it: Xen runs ondemand in the hypervisor (cpufreq=xen, Xen 3.3+, 2008), or leaves P-states to
// Dom0's Linux (cpufreq=dom0-kernel, how it was before); a KVM host is a Linux kernel running schedutil, or
// handing the choice to the CPU (intel_pstate active with HWP, amd-pstate active with CPPC).
import type { GovernorId, PowerEngine, PowerPolicyId } from './types.ts';

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
   * soft — the write only records a soft P-state that the hypervisor's rules map onto the hardware;
   * floor — Linux's virtual-cpufreq: the request becomes the vCPU thread's uclamp_min, and the host's
   *   schedutil runs the CPU at least that fast while the vCPU runs (sugov_effective_cpu_perf: max(min, util))
   */
  guest: 'none' | 'direct' | 'discarded' | 'soft' | 'floor';
  /** the guests' governor: Linux's ondemand, or schedutil behind virtual-cpufreq, which is written for it */
  guestGovernor: GovernorId;
  /**
   * whose load the host governor sees: the CPU's, or only Dom0's (cpufreq=dom0-kernel: Dom0's governor
   * measures its own vCPU, which is blocked — idle to Dom0's kernel, not steal time — while domUs run)
   */
  hostSees: 'cpu' | 'dom0';
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
  'guest-host-conflict': 'guest and host governors both active (Xen discards the guest writes; KVM: hypothetical pass-through, or virtual-cpufreq)',
  'soft-pstates': 'VirtualPower soft P-states',
  'dvfs-aware-credits': 'DVFS-aware credits: Hagimont et al.\'s PAS on Xen, schedutil with hypothetical DVFS-aware CFS bandwidth on KVM',
};

/** the load-driven governor of the engine's cpufreq: ondemand in Xen or Dom0, schedutil, or the CPU's own choice */
export function hostGovernorOf(engine: PowerEngine): GovernorId {
  switch (engine.cpufreq) {
    case 'xen':
    case 'dom0-kernel':
      return 'ondemand';
    case 'schedutil':
      return 'schedutil';
    case 'hwp':
    case 'amd-pstate':
      return 'autonomous';
  }
}

/**
 * the frequency half of the DVFS-aware policy. In Xen's own cpufreq it is Hagimont et al.'s PAS, which chooses
 * from the f_max-normalised load; with cpufreq=dom0-kernel Xen has no frequency control to replace and Dom0's
 * ondemand stays. KVM's schedutil already chooses from frequency-invariant utilisation, and under HWP or CPPC
 * the CPU chooses: only the charging changes there (Linux has no DVFS-aware CFS bandwidth; hypothetical)
 */
function dvfsAwareGovernorOf(engine: PowerEngine): GovernorId {
  return engine.cpufreq === 'xen' ? 'pas' : hostGovernorOf(engine);
}

function guestModeOf(engine: PowerEngine): PolicyPlan['guest'] {
  if (engine.design === 'xen') return 'discarded';
  return engine.guestCpufreq === 'virtual-cpufreq' ? 'floor' : 'direct';
}

export function planFor(policy: PowerPolicyId, engine: PowerEngine): PolicyPlan {
  const governed = hostGovernorOf(engine);
  const hostSees = engine.cpufreq === 'dom0-kernel' ? 'dom0' : 'cpu';
  const guestGovernor = engine.guestCpufreq === 'virtual-cpufreq' && engine.design === 'kvm' ? 'schedutil' : 'ondemand';
  const base = { id: policy, title: POLICY_TITLES[policy], guestGovernor, hostSees } as const;
  switch (policy) {
    case 'performance':
    case 'powersave':
      return { ...base, host: policy, guest: 'none', dvfsAware: false };
    case 'host-only':
      return { ...base, host: governed, guest: 'none', dvfsAware: false };
    case 'guest-host-conflict':
      return { ...base, host: governed, guest: guestModeOf(engine), dvfsAware: false };
    case 'soft-pstates':
      return { ...base, host: 'vpm', guest: 'soft', dvfsAware: false };
    case 'dvfs-aware-credits':
      return { ...base, host: dvfsAwareGovernorOf(engine), guest: 'none', dvfsAware: true };
  }
}
