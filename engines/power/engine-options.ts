// The engine options the power model honours, declared once for the xen and kvm engines and read back into
// a PowerEngine when `--engines` reaches the power suite. The operation-stream runs ignore them: they run
// one vCPU per physical CPU at a fixed clock, where neither the scheduler nor cpufreq changes what is counted.
import type { EngineOptionSpec, OptionValue } from '../types.ts';
import type { CpufreqMode, EppPreference, GuestCpufreq, PowerDesign, PowerEngine, PowerProfile, XenSchedulerId } from './types.ts';
import { UsageError } from '../../harness/errors.ts';

export const XEN_POWER_OPTIONS: readonly EngineOptionSpec[] = [
  { name: 'sched', description: "power suite: Xen's sched= (credit2, the default since Xen 4.12; credit is credit1)", type: 'enum', values: ['credit2', 'credit'], default: 'credit2' },
  { name: 'cpufreq', description: "power suite: Xen's cpufreq= — xen: Xen's own ondemand, sampling every 20 ms; dom0-kernel: Xen's cpufreq off, Dom0's Linux ondemand writes PERF_CTL and sees only Dom0's load", type: 'enum', values: ['xen', 'dom0-kernel'], default: 'xen' },
];

export const KVM_POWER_OPTIONS: readonly EngineOptionSpec[] = [
  { name: 'cpufreq', description: "power suite: the host's cpufreq — schedutil (acpi-cpufreq or intel_pstate passive); hwp: intel_pstate active, the CPU picks P-states under HWP guided by epp; amd-pstate: amd-pstate active (CPPC with epp)", type: 'enum', values: ['schedutil', 'hwp', 'amd-pstate'], default: 'schedutil' },
  { name: 'epp', description: 'power suite, cpufreq=hwp or amd-pstate: energy_performance_preference (0, 128, 192, 255)', type: 'enum', values: ['balance_performance', 'performance', 'balance_power', 'power'], default: 'balance_performance' },
  { name: 'guestcpufreq', description: "power suite, guest-host-conflict: how the guest's governor reaches the host — passthrough (hypothetical: its PERF_CTL writes reach the hardware) or virtual-cpufreq (Linux's guest driver: a utilisation floor for the host's schedutil on the vCPU thread; hypothetical on x86, where QEMU has no such device)", type: 'enum', values: ['passthrough', 'virtual-cpufreq'], default: 'passthrough' },
];

/** the options of each design the power model reads; every other option is the operation-stream model's */
const MODELLED: Record<PowerDesign, readonly string[]> = {
  xen: XEN_POWER_OPTIONS.map((o) => o.name),
  kvm: [...KVM_POWER_OPTIONS.map((o) => o.name), 'haltpoll'],
};

/** refuse a cpufreq driver the CPU cannot run, as the driver itself would not load */
export function checkPowerOptions(options: Record<string, OptionValue>, power: PowerProfile, profileId: string): void {
  if (options.cpufreq === 'hwp' && power.autonomous !== 'hwp') throw new UsageError(`kvm: cpufreq=hwp needs HWP, which profile ${profileId} lacks`);
  if (options.cpufreq === 'amd-pstate' && power.autonomous !== 'cppc') throw new UsageError(`kvm: cpufreq=amd-pstate needs CPPC (Zen 2 or later), which profile ${profileId} lacks`);
}

/** the power model's defaults for a design: what `xen` and `kvm` with no options run */
export function defaultPowerEngine(design: PowerDesign): PowerEngine {
  return {
    label: design,
    design,
    xenScheduler: 'credit2',
    cpufreq: design === 'xen' ? 'xen' : 'schedutil',
    epp: 'balance_performance',
    guestCpufreq: 'passthrough',
    haltPoll: true,
  };
}

/**
 * The PowerEngine of a resolved xen or kvm spec. `defaults` are the engine's options with nothing set (on this
 * profile): an option that differs from them and that the power model does not read cannot be honoured, and
 * neither can an EPP without a driver that uses it.
 */
export function powerEngineOf(design: PowerDesign, label: string, options: Record<string, OptionValue>, defaults: Record<string, OptionValue>): PowerEngine {
  const ignored = Object.keys(options).filter((k) => options[k] !== defaults[k] && !MODELLED[design].includes(k));
  if (ignored.length > 0) {
    const set = ignored.map((k) => `${k}=${String(options[k])}`).join(', ');
    throw new UsageError(`power suite: engine ${label}: the power model cannot honour ${set} (it reads ${design} options ${MODELLED[design].join(', ')})`);
  }
  const engine = defaultPowerEngine(design);
  if (design === 'xen') {
    return { ...engine, label, xenScheduler: options.sched as XenSchedulerId, cpufreq: options.cpufreq as CpufreqMode };
  }
  const cpufreq = options.cpufreq as CpufreqMode;
  if (options.epp !== defaults.epp && cpufreq === 'schedutil') {
    throw new UsageError(`power suite: engine ${label}: epp needs cpufreq=hwp or amd-pstate (schedutil has no energy-performance preference)`);
  }
  if (options.guestcpufreq === 'virtual-cpufreq' && cpufreq !== 'schedutil') {
    throw new UsageError(`power suite: engine ${label}: guestcpufreq=virtual-cpufreq needs cpufreq=schedutil (its request is a uclamp floor for schedutil, which ${cpufreq}'s active mode does not read)`);
  }
  return { ...engine, label, cpufreq, epp: options.epp as EppPreference, guestCpufreq: options.guestcpufreq as GuestCpufreq, haltPoll: options.haltpoll === 'on' };
}
