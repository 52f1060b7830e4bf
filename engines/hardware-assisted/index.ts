// The hardware-assisted engine `kvm`: the guest kernel under KVM on VT-x / AMD-V. Defaults are today's KVM
// (mmu=ept, vpid=on, io=virtio, apicv=on, thp=on: QEMU madvises guest RAM MADV_HUGEPAGE); on a CPU without EPT, VPID or APICv the defaults fall back the way
// KVM does (shadow paging, no VPID, no APICv) and asking for the missing feature is a usage error.
import type { Engine, EngineRunInput, OptionValue, RunCounters } from '../types.ts';
import type { CostProfile } from '../machine/profile.ts';
import { UsageError } from '../../harness/errors.ts';
import { checkIntegerOption } from '../integer-option.ts';
import { MAX_VCPUS } from '../../harness/limits.ts';
import { runGuest } from '../guest/run.ts';
import { KvmPlatform } from './kvm-platform.ts';
import { KVM_POWER_OPTIONS, checkPowerOptions } from '../power/engine-options.ts';

export const kvmEngine: Engine = {
  id: 'kvm',
  title: 'KVM (hardware-assisted)',
  description: 'KVM with VT-x/AMD-V: VM exits by VMX reason, EPT 2-D walks or shadow paging, VPID, virtio or emulated devices, APICv',
  mode: 'simulated',
  phases: true,
  options: [
    { name: 'mmu', description: 'ept: two-dimensional hardware paging; shadow: write-protected guest tables synchronised by KVM (the 2007 design)', type: 'enum', values: ['ept', 'shadow'], default: 'ept' },
    { name: 'shadowcache', description: "mmu=shadow: on: shadow tables cached across context switches, keyed by guest table frame and level, at the price of write-protecting the guest's tables (KVM since 2007); off: every CR3 write drops all shadow tables and the incoming address space is rebuilt by shadow faults (the design before)", type: 'enum', values: ['on', 'off'], default: 'on' },
    { name: 'vpid', description: 'VPID-tagged TLB entries survive VM entry/exit; off: every VM entry flushes the TLB', type: 'enum', values: ['on', 'off'], default: 'on' },
    { name: 'io', description: 'virtio: shared rings, one notify exit per batch; emulated: register-level legacy devices, every access exits to user space', type: 'enum', values: ['virtio', 'emulated'], default: 'virtio' },
    { name: 'thp', description: 'host transparent huge pages behind guest RAM: one EPT violation maps a 2 MiB EPT leaf, shortening the EPT side of every 2-D walk; off: 4 KiB host pages, one exit per guest frame', type: 'enum', values: ['on', 'off'], default: 'on' },
    { name: 'prealloc', description: 'QEMU -mem-prealloc: guest RAM allocated and zeroed before boot; first touches still exit (EPT entries are built lazily) but the host page is there', type: 'enum', values: ['off', 'on'], default: 'off' },
    { name: 'apicv', description: 'APIC virtualization: posted interrupts and virtualized EOI / self-IPI without exits', type: 'enum', values: ['on', 'off'], default: 'on' },
    { name: 'haltpoll', description: "KVM's halt-polling (halt_poll_ns): a halted vCPU polls for a wake-up before the host schedules it out, so an IPI to it arriving within the window costs no host schedule-out/in; off: every wake-up of a halted vCPU is a host context switch out and back in (in the power suite: the host core polls instead of entering a C-state)", type: 'enum', values: ['on', 'off'], default: 'on' },
    { name: 'guesthaltpoll', description: "the guest's cpuidle-haltpoll (Linux loads it on KVM only with the KVM_HINTS_REALTIME hint or haltpoll.force=1): the guest polls before HLT, so a wake-up within its adaptive window costs guest cycles instead of a HLT exit", type: 'enum', values: ['off', 'on'], default: 'off' },
    { name: 'pvipi', description: "the guest's KVM PV send-IPI (Linux guests use it when KVM_FEATURE_PV_SEND_IPI is offered): an IPI to two or more other vCPUs (a TLB shootdown's mask) is one KVM_HC_SEND_IPI hypercall, an IPI to one stays an x2APIC ICR write (MSR_WRITE exit), as Linux sends it through apic->send_IPI; off: one ICR write per target", type: 'enum', values: ['on', 'off'], default: 'on' },
    { name: 'pvtlbflush', description: "the guest's KVM PV TLB flush (Linux guests use it when KVM_FEATURE_PV_TLB_FLUSH is offered): a remote TLB flush skips preempted vCPUs, marking KVM_VCPU_FLUSH_TLB in their steal time so KVM flushes them at their next entry, instead of an IPI that waits for them to run; off: every vCPU in the mask gets the IPI", type: 'enum', values: ['on', 'off'], default: 'on' },
    { name: 'hostcpus', description: 'host CPUs the vCPU threads share, vCPU i pinned to host CPU i mod hostcpus (vCPUs beyond it are preempted while another runs there); 0: a host CPU per vCPU, none ever preempted', type: 'number', default: 0 },
    { name: 'pveoi', description: "the guest's KVM PV EOI (Linux guests enable it when KVM_FEATURE_PV_EOI is offered): without APICv an EOI clears a flag in memory instead of exiting; off: every EOI is an MSR_WRITE exit", type: 'enum', values: ['on', 'off'], default: 'on' },
    { name: 'apic', description: "the guest's local APIC mode: x2apic (MSR registers, what KVM offers and Linux picks); xapic (memory-mapped registers, a guest booted with nox2apic): with APICv its ICR and timer writes exit as APIC_WRITE, without it every access but the EOI short-cut is an emulated APIC_ACCESS", type: 'enum', values: ['x2apic', 'xapic'], default: 'x2apic' },
    { name: 'lapictimer', description: "the guest's clock event device: deadline (lapic-deadline, a TSC-deadline WRMSR per tick); oneshot (lapic=notscdeadline: the LAPIC timer re-armed by a TMICT write per tick); periodic (the LAPIC timer's periodic mode: KVM's hrtimer re-arms itself, so a tick costs only its delivery)", type: 'enum', values: ['deadline', 'oneshot', 'periodic'], default: 'deadline' },
    ...KVM_POWER_OPTIONS,
  ],
  availability: () => ({ available: true }),
  profileDefaults(profile: CostProfile): Record<string, OptionValue> {
    const f = profile.features;
    return { mmu: f.ept ? 'ept' : 'shadow', vpid: f.vpid ? 'on' : 'off', apicv: f.apicv ? 'on' : 'off' };
  },
  checkOptions(options: Record<string, OptionValue>, profile: CostProfile): void {
    const f = profile.features;
    if (options.mmu === 'ept' && !f.ept) throw new UsageError(`kvm: mmu=ept needs EPT/NPT, which profile ${profile.id} lacks (use mmu=shadow)`);
    if (options.shadowcache === 'off' && options.mmu !== 'shadow') throw new UsageError('kvm: shadowcache=off needs mmu=shadow (EPT has no shadow tables to cache)');
    if (options.vpid === 'on' && !f.vpid) throw new UsageError(`kvm: vpid=on needs VPID, which profile ${profile.id} lacks`);
    // SVM has no untagged mode: every VMRUN runs with an ASID (AMD APM Vol. 2 §15.16), KVM always assigns one
    if (options.vpid === 'off' && profile.vendor === 'amd') throw new UsageError(`kvm: vpid=off is meaningless on SVM (profile ${profile.id}): ASIDs are mandatory`);
    checkIntegerOption('kvm', 'hostcpus', options.hostcpus ?? 0, 0, MAX_VCPUS);
    if (options.apicv === 'on' && !f.apicv) {
      const why = profile.vendor === 'amd' ? ' (AVIC is inhibited for x2APIC guests before Zen 4)' : '';
      throw new UsageError(`kvm: apicv=on needs APICv, which profile ${profile.id} lacks${why}`);
    }
    checkPowerOptions(options, profile.power, profile.id);
  },
  run(input: EngineRunInput): RunCounters {
    const o = { ...this.profileDefaults!(input.profile), ...input.options };
    this.checkOptions!(o, input.profile);
    const platform = new KvmPlatform(input.profile, {
      mmu: o.mmu === 'shadow' ? 'shadow' : 'ept',
      shadowCache: o.shadowcache !== 'off',
      vpid: o.vpid === 'on',
      io: o.io === 'emulated' ? 'emulated' : 'virtio',
      apicv: o.apicv === 'on',
      thp: o.thp !== 'off',
      prealloc: o.prealloc === 'on',
      pveoi: o.pveoi !== 'off',
      haltPoll: o.haltpoll !== 'off',
      guestHaltPoll: o.guesthaltpoll === 'on',
      pvIpi: o.pvipi !== 'off',
      pvTlbFlush: o.pvtlbflush !== 'off',
      hostCpus: Number(o.hostcpus ?? 0),
      apic: o.apic === 'xapic' ? 'xapic' : 'x2apic',
      lapicTimer: o.lapictimer === 'oneshot' || o.lapictimer === 'periodic' ? o.lapictimer : 'deadline',
    });
    return runGuest(platform, input.ops, input.seed, input.trace);
  },
};
