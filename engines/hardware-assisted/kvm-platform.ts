// The hardware-assisted Platform: KVM on VT-x (docs/architecture.md#kvm). The VT-x machine (EPT or shadow paging,
// VPID, exits by VMX reason) is VmxPlatform's; here is what KVM does with it: exits handled in KVM or forwarded
// to QEMU in the same process (kvm-exit-handlers.ts), host page faults behind first touches, the
// preemption-timer and host hrtimer, APICv / PV EOI, PV send-IPI, halt-polling, the host tick, virtio or
// emulated devices. `mmu=shadow` is the 2007 design (shadow-mmu.ts).
import type { DeviceKind, InterruptSource, IoDirection } from '../types.ts';
import type { CostProfile } from '../machine/profile.ts';
import { FrameBitmap } from './frame-bitmap.ts';
import { apicWriteExit, type ApicMode, type ApicRegister } from './apic-access.ts';
import { pioExitsPerInstruction } from './string-pio.ts';
import { ElapsedTicks } from '../machine/elapsed-ticks.ts';
import { VmxPlatform, type VmxOptions } from './vmx-platform.ts';
import { kvmExitHandlers } from './kvm-exit-handlers.ts';
import { kvmShadowPolicy } from './kvm-shadow-policy.ts';
import type { Mmu } from '../machine/mmu.ts';
import { InterruptWindow } from './interrupt-window.ts';
import { HaltPollWindow, KVM_HALT_POLL } from '../halt-poll.ts';

export interface KvmOptions extends VmxOptions {
  /** mmu=shadow: keep shadow tables across CR3 writes (KVM since 2007); off: drop and rebuild them at each */
  shadowCache: boolean;
  io: 'virtio' | 'emulated';
  /** host memory backed by transparent huge pages: 2 MiB EPT leaves */
  thp: boolean;
  /** QEMU -mem-prealloc: guest RAM faulted in (allocated and zeroed) by the host before the guest runs; KVM
   *  still builds EPT entries lazily, so first touches exit but find the host page present */
  prealloc: boolean;
  /** the guest uses KVM's PV EOI (KVM_FEATURE_PV_EOI; Linux arch/x86/kernel/kvm.c kvm_guest_apic_eoi_write) */
  pveoi: boolean;
  /** KVM's halt-polling (virt/kvm/kvm_main.c kvm_vcpu_halt, module parameter halt_poll_ns, 200 µs by default
   *  on x86): a halted vCPU polls for a pending interrupt before it is scheduled out */
  haltPoll: boolean;
  /** the guest loads cpuidle-haltpoll and polls before it executes HLT */
  guestHaltPoll: boolean;
  /** the guest's PV send-IPI (KVM_FEATURE_PV_SEND_IPI; Linux arch/x86/kernel/kvm.c kvm_send_ipi_mask) */
  pvIpi: boolean;
  /** the guest's PV TLB flush (KVM_FEATURE_PV_TLB_FLUSH; Linux arch/x86/kernel/kvm.c kvm_flush_tlb_multi) */
  pvTlbFlush: boolean;
  /** host CPUs the vCPU threads run on, vCPU i on host CPU i mod hostCpus; 0: one host CPU per vCPU (no
   *  vCPU is ever preempted) */
  hostCpus: number;
  /** the guest's local APIC mode: x2APIC (KVM offers it to every guest, and Linux enables it when CPUID has it)
   *  or xAPIC (memory-mapped registers; a guest booted with `nox2apic`) — apic-access.ts */
  apic: ApicMode;
  /** the guest's clock event device: Linux's `lapic-deadline` (IA32_TSC_DEADLINE writes, chosen when CPUID has
   *  TSC_DEADLINE_TIMER, which KVM offers) or `lapic` in one-shot mode (`lapic=notscdeadline`: each tick
   *  re-armed by a write of the initial count, lapic_next_event → APIC_TMICT) */
  lapicTimer: 'deadline' | 'oneshot' | 'periodic';
}

/** host kernel tick rate: kernel/Kconfig.hz `default HZ_250` (upstream default, Debian's amd64 config; RHEL and
 *  Fedora build HZ=1000, 4× the exits). With CONFIG_NO_HZ_IDLE (the default) the tick stops while the host CPU
 *  is idle, i.e. while the vCPU is halted; a nohz_full host CPU running only the vCPU thread has none at all */
const HOST_HZ = 250;

/** 4 KiB frames per 2 MiB transparent huge page */
const HUGE_FRAMES = 512;

/** ports KVM emulates in the kernel (PIC, PIT, ELCR — arch/x86/kvm/i8259.c, i8254.c); the rest go to QEMU,
 *  as kvm-unit-tests' inl_from_kernel (0x4d0) vs inl_from_qemu (0x1234) show */
const IN_KERNEL_PORTS = new Set([0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x4d0, 0x4d1]);

export class KvmPlatform extends VmxPlatform {
  /** shadow mode: guest frames the host has already faulted in (memslot pages behind shadow entries) */
  private readonly shadowBacked: FrameBitmap | null;
  /** KVM's hv_timer: the LAPIC timer on the VMX-preemption timer while the vCPU runs (vmx_set_hv_timer); SVM has
   *  no such timer, so AMD always uses a host hrtimer. estimate: assumed present on Intel parts with EPT
   *  (Nehalem and later — Linux's cpu_has_broken_vmx_preemption_timer lists Nehalem/Westmere models, so they
   *  had one) and absent on Penryn */
  private readonly hvTimer: boolean;
  /** the guest's interrupt flag and the interrupts held until it opens */
  private readonly window = new InterruptWindow();
  /** KVM's halt-poll window for this vCPU; null with haltpoll=off */
  private readonly hostPoll: HaltPollWindow | null;
  readonly guestHaltPoll: boolean;

  constructor(profile: CostProfile, private readonly options: KvmOptions) {
    super(profile, options, (p) => kvmExitHandlers(p.counters, profile.hvm), kvmShadowPolicy(profile, options.shadowCache));
    this.hvTimer = profile.vendor === 'intel' && profile.features.ept;
    this.hostPoll = options.haltPoll ? new HaltPollWindow(KVM_HALT_POLL, profile.ghz) : null;
    this.guestHaltPoll = options.guestHaltPoll;
    this.shadowBacked = this.shadow ? new FrameBitmap() : null;
    for (let h = 0; h < options.hostCpus; h++) this.hostRunning.push(h);
  }

  /** per vCPU: KVM_VCPU_FLUSH_TLB set in its steal-time record while it was preempted (kvm_flush_tlb_multi) */
  private readonly flushOnEntry: boolean[] = [false];
  /** with hostCpus: the vCPU each host CPU runs now */
  private readonly hostRunning: number[] = [];
  /** the vCPUs a remote flush interrupts (reused) */
  private readonly ipiTargets: number[] = [];

  /** each vCPU has its own VPID (allocate_vpid), 1, 2, … as KVM hands them out */
  protected override bringUp(mmu: Mmu, index: number): void {
    super.bringUp(mmu, index);
    if (this.options.vpid) mmu.setContext(mmu.mode, 0, 0, index + 1, mmu.eptRoot);
    this.flushOnEntry.push(false);
  }

  /** a vCPU's thread is scheduled out while runnable (kvm_sched_out: KVM_VCPU_PREEMPTED in its steal time) */
  private preempted(cpu: number): boolean {
    const h = this.options.hostCpus;
    return h > 0 && this.hostRunning[cpu % h] !== cpu;
  }

  /**
   * vCPU `cpu` runs next: a preempted vCPU is scheduled back in on its host CPU, preempting the one there
   * (estimate: one host context switch, native.contextSwitch); at its VM entry record_steal_time finds
   * KVM_VCPU_FLUSH_TLB and flushes the vCPU's whole guest TLB (kvm_vcpu_flush_tlb_guest: its VPID; under
   * shadow paging the unsync pages are synced as for a CR3 write)
   */
  override selectCpu(cpu: number): void {
    super.selectCpu(cpu);
    if (this.preempted(cpu)) {
      this.hostRunning[cpu % this.options.hostCpus] = cpu;
      this.counters.event('vcpuPreemptions');
      this.counters.charge('host', 'vcpu-switch', this.profile.native.contextSwitch);
    }
    if (!this.flushOnEntry[cpu]) return;
    this.flushOnEntry[cpu] = false;
    this.mmu.tlb.flushTag(-1, this.mmu.vpid, 'shootdown');
    this.shadowMmu?.syncRoots();
  }

  /**
   * The guest writes frames [frame, frame + frames): the first touch of unbacked memory exits so the host can
   * back it. With THP (QEMU madvises guest RAM MADV_HUGEPAGE) the host faults in a 2 MiB transparent huge page
   * and KVM maps it with a 2 MiB EPT leaf (kvm_mmu_hugepage_adjust / host_pfn_mapping_level read the host
   * PMD): one exit per 2 MiB block, whatever the guest's page size (THP is PMD-sized, so a 1 GiB guest page
   * takes 512 exits and its EPT leaves stay 2 MiB). Without THP every 4 KiB frame exits once.
   */
  protected touchFrames(frame: number, frames: number): void {
    const ept = this.ept;
    if (ept !== null) {
      if (frames === 1 && ept.isBacked(frame)) return;
      if (this.options.thp) {
        const last = frame + frames - 1;
        let faults = 0;
        for (let block = frame - (frame % HUGE_FRAMES); block <= last; block += HUGE_FRAMES) {
          if (ept.isBacked(block)) continue;
          ept.back(block, HUGE_FRAMES);
          faults++;
        }
        this.eptViolations(faults, this.options.prealloc ? this.exits.handler('EPT_VIOLATION') : this.profile.hvm.thpFaultHandler);
        return;
      }
      let faults = 0;
      for (let f = frame; f < frame + frames; f++) {
        if (ept.isBacked(f)) continue;
        ept.back(f, 1);
        faults++;
      }
      this.eptViolations(faults, this.options.prealloc ? this.exits.handler('EPT_VIOLATION') : this.profile.hvm.eptViolationHandler);
      return;
    }
    // shadow paging: the kernel's first touch of a frame the host has not faulted in faults on its direct
    // map's shadow entry; KVM's handler faults the host page in (the same THP rule as above)
    const backed = this.shadowBacked!;
    if (frames === 1 && backed.has(frame)) return;
    const hvm = this.profile.hvm;
    const block = this.options.thp ? HUGE_FRAMES : 1;
    const handler = this.options.prealloc ? this.exits.handler('EXCEPTION_NMI') : this.options.thp ? hvm.thpFaultHandler : hvm.eptViolationHandler;
    let faults = 0;
    for (let f = frame - (frame % block); f < frame + frames; f += block) {
      if (backed.has(f)) continue;
      backed.add(f, block);
      faults++;
    }
    if (faults === 0) return;
    this.exits.inKernel('EXCEPTION_NMI', faults, 'host-page-fault', handler);
    this.counters.event('hiddenFaults', faults);
  }

  /**
   * flush_tlb_multi's part for the other vCPUs (this one's flush is native's, NativePlatform.flushMulti). With
   * PV TLB flush (kvm_flush_tlb_multi) a preempted vCPU is not interrupted: the guest sets KVM_VCPU_FLUSH_TLB
   * in its steal-time record and KVM flushes it at its next entry (selectCpu). The
   * others get native_flush_tlb_multi: one IPI send for all (sendToOthers: an ICR write when one vCPU is
   * left, one KVM_HC_SEND_IPI for two or more), and on each target — running its
   * thread, so without posted interrupts KVM kicks it out (kvm_vcpu_kick) — the handler flushes as natively;
   * under shadow paging its INVLPGs or CR3 reload exit and sync. A preempted target without PV TLB flush must
   * be scheduled in to take the IPI (selectCpu).
   */
  protected override flushOthers(cpus: readonly number[], va: number, pages: number, pageBytes: number, full: boolean): void {
    const targets = this.ipiTargets;
    targets.length = 0;
    for (const cpu of cpus) {
      if (this.options.pvTlbFlush && this.preempted(cpu)) {
        this.flushOnEntry[cpu] = true;
        this.counters.event('pvTlbFlushes');
      } else targets.push(cpu);
    }
    if (targets.length === 0) return;
    this.sendToOthers(1, targets.length);
    const here = this.machine.currentIndex;
    for (const cpu of targets) {
      this.selectCpu(cpu);
      if (!this.options.apicv) this.exits.inKernel('EXTERNAL_INTERRUPT', 1);
      this.ipiDelivery(1);
      this.remoteFlushHere(va, pages, pageBytes, full);
    }
    this.selectCpu(here);
  }

  /** QEMU serves a KVM_EXIT_IO of n elements one element at a time (accel/kvm/kvm-all.c kvm_handle_io loops
   *  address_space_rw over the count): the device model's work is per element, the exit's per exit */
  override pio(port: number, write: boolean, count: number, elements = 1, width = 1): void {
    const inKernel = IN_KERNEL_PORTS.has(port);
    const { exits, toUserSpace } = pioExitsPerInstruction(elements, width, write, inKernel);
    if (exits > toUserSpace) this.exits.inKernel('IO_INSTRUCTION', count * (exits - toUserSpace));
    if (inKernel) return;
    this.exits.toUserSpace('IO_INSTRUCTION', count * toUserSpace, 0);
    this.counters.charge('host', 'device-model', this.profile.hvm.deviceModelAccess * count * elements);
  }

  /** HLT exits; KVM then halts the vCPU (kvm_vcpu_halt): halt-polling may see the wake-up arrive, otherwise
   *  the vCPU thread blocks (kvm_vcpu_block → schedule()) and is scheduled back in by the wake-up. A wake-up
   *  already pending needs neither. Polled time stays idle time here: the same wall time, spent spinning in
   *  KVM instead of in a C-state. The HLT exit itself is VmxPlatform's */
  override halt(waitCycles = 0): void {
    super.halt(waitCycles);
    const poll = this.hostPoll;
    if (poll !== null) poll.idle(waitCycles);
    if (poll !== null ? poll.woke : waitCycles === 0) return;
    this.scheduleOutIn(1);
  }

  /** `n` blocked vCPU threads scheduled out and back in at their wake-up. estimate: a host context switch
   *  each way (native.contextSwitch) */
  private scheduleOutIn(n: number): void {
    this.counters.event('vcpuBlocks', n);
    this.counters.charge('host', 'vcpu-wakeup', 2 * this.profile.native.contextSwitch * n);
  }

  /**
   * Taking one interrupt. Injection: posted (APICv) or on the next entry. Where the vCPU was:
   * - timer, halted: vcpu_block swapped the hv timer for a host hrtimer (kvm_lapic_switch_to_sw_timer, Linux
   *   arch/x86/kvm/x86.c), so expiry is the host's own timer interrupt (apic_timer_fn) waking the vCPU — no VM
   *   exit; the swap back (kvm_lapic_switch_to_hv_timer) is part of the HLT exit's handling;
   * - timer, running: with the hv timer the VMX-preemption timer expires in guest mode, a PREEMPTION_TIMER exit
   *   (handle_preemption_timer → kvm_lapic_expired_hv_timer); without one the host hrtimer's interrupt is an
   *   EXTERNAL_INTERRUPT exit;
   * - other sources, running: without APICv KVM must kick the vCPU out (kvm_vcpu_kick: a host IPI, an
   *   EXTERNAL_INTERRUPT exit); with it the posted-interrupt notification is taken in guest mode, no exit.
   * Then the guest's EOI (eoi()): a device interrupt of the emulated devices is a level-triggered IOAPIC INTx
   * (QEMU's PIIX IDE and e1000 raise PCI INTx lines); virtio's are edge-triggered MSI-X.
   */
  override interrupt(source: InterruptSource, fromIdle: boolean, count = 1): void {
    // the guest's own delivery and handler run as natively; its EOI is eoi()'s
    this.work('interrupt', this.profile.native.interrupt * count);
    this.counters.event('interrupts', count);
    this.counters.charge('hypervisor', 'interrupt-injection', this.profile.hvm.irqInject * count);
    if (source === 'timer') {
      // estimate: the host's hrtimer interrupt costs what a native interrupt does (profile.native.interrupt)
      if (fromIdle) this.counters.charge('hypervisor', 'host-hrtimer', this.profile.native.interrupt * count);
      else if (this.hvTimer) this.exits.inKernel('PREEMPTION_TIMER', count);
      else this.exits.inKernel('EXTERNAL_INTERRUPT', count, 'host-hrtimer', this.exits.handler('EXTERNAL_INTERRUPT') + this.profile.native.interrupt);
    } else if (!fromIdle && !this.options.apicv) {
      this.exits.inKernel('EXTERNAL_INTERRUPT', count);
    }
    this.eoi(count, source === 'device' && this.options.io === 'emulated');
  }

  /**
   * `n` EOIs. Edge-triggered interrupts (LAPIC timer, IPIs, MSI): with APICv virtualized, no exit. A
   * level-triggered IOAPIC vector is in the EOI-exit bitmap (vmx_load_eoi_exitmap, from the IOAPIC's
   * redirection table: kvm_ioapic_scan_entry), because KVM must clear the IOAPIC's Remote IRR and re-inject if
   * the line is still asserted (kvm_ioapic_update_eoi, the EOI broadcast): the virtualized EOI is followed by a
   * trap-like EOI_INDUCED exit (Intel SDM Vol. 3C "EOI Virtualization"; handle_apic_eoi_induced). Without APICv
   * an x2APIC EOI is a WRMSR to 0x80b, an MSR_WRITE exit, unless the guest uses PV EOI: KVM sets a flag in
   * guest memory at injection (apic_sync_pv_eoi_to_guest, Linux arch/x86/kvm/lapic.c), the guest's EOI just
   * clears it (kvm_guest_apic_eoi_write) and KVM completes the EOI at its next exit or entry
   * (apic_sync_pv_eoi_from_guest → apic_set_eoi). KVM does not offer PV EOI for a vector the IOAPIC handles
   * ("Need EOI to update ioapic", apic_sync_pv_eoi_to_guest), nor with APICv (highest_isr_cache = -1). A
   * virtualized EOI completes in hardware like a native one (native.eoi); an exiting one replaces the native
   * write; a PV EOI is a bit cleared in memory.
   */
  private eoi(n: number, levelTriggered = false): void {
    if (this.options.apicv) {
      this.work('eoi', this.profile.native.eoi * n);
      if (levelTriggered) this.exits.inKernel('EOI_INDUCED', n);
      return;
    }
    if (!this.options.pveoi || levelTriggered) {
      this.apicWrite('eoi', n);
      return;
    }
    this.counters.event('pvEoi', n);
    // the deferred apic_set_eoi is the work an EOI_INDUCED exit's handler does, without the exit
    this.counters.charge('hypervisor', 'pv-eoi', this.exits.handler('EOI_INDUCED') * n);
  }

  /**
   * `count` writes of the guest's local APIC register `reg`, in its APIC mode (apic-access.ts): true if they
   * exited. One that does not completes as natively (native.msrWrite; estimate for xAPIC: a write to the core's
   * own APIC page costs about what its x2APIC WRMSR does — no bus is involved). KVM's short-circuit of an xAPIC
   * EOI (handle_apic_access → kvm_lapic_set_eoi, no decode) does what an EOI_INDUCED exit's handler does
   */
  private apicWrite(reg: ApicRegister, count: number): boolean {
    const exit = apicWriteExit(reg, this.options.apic, this.options.apicv);
    if (exit === 'none') {
      this.work('msr', this.profile.native.msrWrite * count);
      return false;
    }
    if (exit === 'APIC_ACCESS' && reg === 'eoi') this.exits.inKernel(exit, count, `exit:${exit}`, this.exits.handler('EOI_INDUCED'));
    else this.exits.inKernel(exit, count);
    return true;
  }

  /** the guest re-arms its clock event device for the next tick: a TSC-deadline WRMSR, or with lapictimer=oneshot
   *  a write of the LAPIC timer's initial count (TMICT), an exit in either APIC mode (KVM emulates the timer).
   *  A periodic timer needs no re-arm: KVM's hrtimer restarts itself at each expiry (arch/x86/kvm/lapic.c
   *  apic_timer_fn → advance_periodic_target_expiration), so its ticks cost only their delivery */
  override armTimer(count = 1): void {
    if (this.options.lapicTimer === 'deadline') super.armTimer(count);
    else if (this.options.lapicTimer === 'oneshot') this.apicWrite('tmict', count);
  }

  /** the sender's APIC write (ICR, or x2APIC's SELF_IPI, which APICv virtualizes: apicWrite() decides whether it exits),
   *  then the target's side (ipiDelivery). A masked self-IPI (CLI, the IPI, STI: kvm-unit-tests
   *  self_ipi_sti_nop) is accepted while the guest's IF is clear and held until its STI (InterruptWindow):
   *  without APICv each one is delivered by an INTERRUPT_WINDOW exit */
  override sendIpi(target: 'self' | 'other', count: number, masked = false): void {
    if (target === 'self') {
      if (masked) this.window.disable();
      const exited = this.apicWrite('self-ipi', count);
      this.window.accept(count);
      const held = masked ? this.window.enable() : 0;
      if (!this.options.apicv) this.exits.inKernel('INTERRUPT_WINDOW', held);
      this.ipiDelivery(count, exited);
      return;
    }
    this.sendToOthers(count, 1);
    this.ipiDelivery(count);
    this.wakeHalted(count);
  }

  /**
   * The sender's side of `sends` IPIs, each to `targets` other vCPUs. PV send-IPI (Linux arch/x86/kernel/kvm.c
   * kvm_setup_pv_ipi) replaces only apic->send_IPI_mask and send_IPI_mask_allbutself with kvm_send_ipi_mask:
   * one KVM_HC_SEND_IPI hypercall per send carries the destination bitmap (up to 128 APIC IDs;
   * __send_ipi_mask), handled by kvm_pv_send_ipi — a VMCALL exit. An IPI to one CPU takes apic->send_IPI,
   * which it leaves to the x2APIC driver: native_smp_send_reschedule and native_send_call_func_single_ipi call
   * __apic_send_IPI, and smp_call_function_many_cond (kernel/smp.c) sends send_call_function_single_ipi when
   * exactly one other CPU is in the mask — one ICR write (MSR_WRITE exit). Without PV send-IPI the x2APIC
   * physical-mode driver writes the ICR once per destination
   */
  private sendToOthers(sends: number, targets: number): void {
    if (!this.options.pvIpi || targets === 1) {
      this.apicWrite('icr', sends * targets);
      return;
    }
    this.counters.event('pvSendIpi', sends);
    this.exits.inKernel('VMCALL', sends, 'pv-send-ipi', this.exits.handler('VMCALL'));
  }

  /**
   * The other vCPU of an `ipi` op is halted (HyperBench's IPI case waits for it): KVM's IPI delivery kicks it
   * (kvm_vcpu_kick, arch/x86/kvm/lapic.c __apic_accept_irq). Halt-polling finds the interrupt while the target
   * still polls in kvm_vcpu_halt (back-to-back IPIs arrive well within halt_poll_ns) and it re-enters at once;
   * without polling it was scheduled out and must be woken and scheduled back in — estimate: a host context
   * switch each way (native.contextSwitch). After its handler the target halts again: one HLT exit per IPI.
   * With cpuidle-haltpoll the target never halts: it polls in the guest (its time overlaps the sender's and is
   * not this vCPU's) and the IPI reaches a running vCPU — no exit with posted interrupts, a kick
   * (EXTERNAL_INTERRUPT) without. (No sender exit needs IPI virtualization — Intel IPIv from Sapphire Rapids,
   * AVIC in xAPIC mode — which no profile here has.)
   */
  private wakeHalted(count: number): void {
    if (this.guestHaltPoll) {
      this.counters.event('guestHaltPollWakeups', count);
      if (!this.options.apicv) this.exits.inKernel('EXTERNAL_INTERRUPT', count);
      return;
    }
    this.counters.event('vcpuWakeups', count);
    if (!this.options.haltPoll) this.scheduleOutIn(count);
    this.exits.inKernel('HLT', count);
  }

  /**
   * The target's side of `count` IPIs: injection, then its delivery and handler as natively — native.ipi
   * (HyperBench's send-and-handle figure) less the sender's ICR write (native.msrWrite) and the target's EOI
   * (native.eoi), which the platform charges on their own paths (msr(), eoi()) because they may exit here.
   * `injected`: KVM delivered it (kvm_apic_send_ipi); a self-IPI APICv virtualizes is delivered by the CPU
   * itself (the SELF_IPI write sets the virtual IRR, Intel SDM Vol. 3 §30.1.3), no KVM work
   */
  private ipiDelivery(count: number, injected = true): void {
    const n = this.profile.native;
    this.work('ipi', (n.ipi - n.msrWrite - n.eoi) * count);
    this.counters.event('ipis', count);
    if (injected) this.counters.charge('hypervisor', 'interrupt-injection', this.profile.hvm.irqInject * count);
    this.eoi(count);
  }

  private readonly hostTick = new ElapsedTicks((this.profile.ghz * 1e9) / HOST_HZ);

  /**
   * The host's periodic tick while the guest runs: the host CPU's timer interrupt arrives in guest mode, an
   * EXTERNAL_INTERRUPT exit whose handler runs the host tick (vmx handle_external_interrupt_irqoff). HOST_HZ
   * per second of guest execution (cycles.guest; none while halted, NO_HZ_IDLE), counted at the end of each phase
   * (ElapsedTicks) so the number is a pure function of the guest's time.
   */
  override endRun(): void {
    // the host's tick handler: tick_sched_timer, the scheduler tick
    this.periodicTimerExits(this.hostTick, 'hostTicks', 'host-tick');
  }

  override deviceSubmit(device: DeviceKind, _dir: IoDirection, _bytes: number, requests: number): number {
    const hvm = this.profile.hvm;
    if (this.options.io === 'virtio') {
      // one kick per batch, an MMIO write to the notify register that KVM's ioeventfd completes in the kernel
      // (virt/kvm/eventfd.c); the back end (vhost / QEMU iothread) serves the ring and publishes the batch once,
      // and completion is one irqfd MSI. VIRTIO_RING_F_EVENT_IDX suppresses nothing here: each batch is posted
      // to an idle device (the driver waited for the last), whose avail_event asks for exactly this kick, and
      // the one publication crosses used_event. The kvm-host guest and VMM do the same
      // (engines/kvm-host/guest/io.c, vmm/devices/virtio-blk-thread.c)
      this.exits.inKernel(this.mmioReason, 1, 'virtio-notify');
      this.counters.event('virtioNotify');
      this.counters.charge('host', 'virtio-backend', hvm.virtioRequest * requests);
      return 1;
    }
    return this.emulatedDeviceSubmit(device, requests);
  }
}
