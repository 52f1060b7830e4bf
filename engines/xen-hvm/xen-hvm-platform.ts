// The guest kernel as a Xen HVM or PVH guest (docs/architecture.md#xen-hvm): VMX non-root mode on the shared VT-x
// machine (VmxPlatform: EPT 2-D walks, VPID, exits by reason) with Xen handling every exit
// (xen-exit-handlers.ts). What Xen does differently from KVM:
// - memory: the toolstack populates the p2m (which is the EPT) when it builds the domain, so first touches do
//   not exit; with populate-on-demand (`pod=on`, xl's memory < maxmem) the p2m holds PoD entries instead and
//   the first touch of each 2 MiB block is an EPT_VIOLATION that p2m_pod_demand_populate fills;
// - devices: PVHVM drivers (blkfront / netfront, grants, event channels: the split driver every Xen guest
//   uses) by default; `io=emulated` (HVM only) goes to QEMU in Dom0 as ioreqs (ioreq.ts); Xen emulates the
//   PIC, PIT and RTC itself. PVH has no device model at all: an access to a port or MMIO range no Xen device
//   claims completes in Xen's null handler (reads all ones, writes dropped) and `io=emulated` is refused;
// - interrupts and timers: Linux's PVHVM and PVH support receives event channels through the callback vector
//   (HVM_PARAM_CALLBACK_IRQ), injected by Xen without a local-APIC EOI; the timer is Xen's
//   VCPUOP_set_singleshot_timer and VIRQ_TIMER (arch/x86/xen/time.c), IPIs are event channels
//   (arch/x86/xen/smp_hvm.c xen_hvm_smp_init) unless `ipi=apic`.
import type { DeviceKind, InterruptSource, IoDirection } from '../types.ts';
import type { CostProfile } from '../machine/profile.ts';
import { VmxPlatform } from '../hardware-assisted/vmx-platform.ts';
import { X2APIC_ICR, X2APIC_SELF_IPI, msrExits } from '../hardware-assisted/msr-bitmap.ts';
import { ElapsedTicks } from '../machine/elapsed-ticks.ts';
import { SplitDriver, type BlkMode, type NetMode } from '../paravirtual/split-driver.ts';
import { CSCHED2_SLICE_S } from '../paravirtual/xen-platform.ts';
import { Dom0Switch } from './dom0-switch.ts';
import { IoreqChannel } from './ioreq.ts';
import { xenExitHandlers } from './xen-exit-handlers.ts';
import { xenShadowPolicy } from './xen-shadow-policy.ts';

export interface XenHvmOptions {
  /** hvm: firmware, QEMU in Dom0 for emulated devices; pvh: no device model */
  mode: 'hvm' | 'pvh';
  /** pv: blkfront / netfront; emulated: QEMU's IDE and e1000 through ioreqs (hvm only) */
  io: 'pv' | 'emulated';
  /** populate-on-demand: the p2m starts with PoD entries, filled at the first touch */
  pod: boolean;
  /** evtchn: Linux's PV IPIs (EVTCHNOP_send); apic: x2APIC ICR writes to the virtual local APIC */
  ipi: 'evtchn' | 'apic';
  blk: BlkMode;
  net: NetMode;
}

/** 4 KiB frames per 2 MiB superpage */
const SUPERPAGE_FRAMES = 512;

/** ports Xen emulates itself for an HVM domain: the 8259 PICs and ELCR (xen/arch/x86/hvm/vpic.c), the PIT and
 *  its speaker port (i8254.c), the RTC (rtc.c); the rest go to QEMU. A PVH domain has none of them (its
 *  emulation flags hold the local APIC only) */
const XEN_PORTS = new Set([0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x40, 0x41, 0x42, 0x43, 0x61, 0x70, 0x71]);

/** estimate: p2m_pod_demand_populate after the violation's dispatch (xen/arch/x86/mm/p2m-pod.c): the PoD lock,
 *  p2m_pod_cache_get of a 2 MiB page (already scrubbed when it entered the cache, p2m_pod_cache_add) and one
 *  p2m_set_entry of a 2 MiB EPT leaf — lock and list work of a few thousand cycles, no zeroing */
const POD_POPULATE = 3000;

export class XenHvmPlatform extends VmxPlatform {
  private readonly split: SplitDriver;
  private readonly dom0: Dom0Switch;
  private readonly xenTimer = new ElapsedTicks(this.profile.ghz * 1e9 * CSCHED2_SLICE_S);

  constructor(profile: CostProfile, private readonly options: XenHvmOptions) {
    let dom0: Dom0Switch | null = null;
    // without EPT Xen runs HVM guests on shadow paging (xen/arch/x86/mm/shadow/): the shared shadow MMU under
    // Xen's rules (xen-shadow-policy.ts)
    super(profile, { mmu: profile.features.ept ? 'ept' : 'shadow', vpid: profile.features.vpid, apicv: profile.features.apicv }, (p) => {
      dom0 = new Dom0Switch(p.counters, profile, () => p.machine.current, () => p.machine.memory.allocFrame());
      // Dom0 runs with XPTI where Xen's xpti= default turns it on: everywhere but AMD
      return xenExitHandlers(options.mode === 'hvm' ? new IoreqChannel(p.counters, profile, dom0, profile.vendor !== 'amd') : null);
    }, xenShadowPolicy(profile));
    this.dom0 = dom0!;
    this.split = new SplitDriver(this.counters, profile, {
      notify: (mechanism, cycles) => this.evtchnSend(mechanism, cycles),
      toDom0: () => this.dom0.toDom0(),
      toGuest: () => this.dom0.toGuest(),
    }, options.blk, options.net);
  }

  /**
   * The p2m is the EPT: built at domain creation (libxc's meminit_hvm populates guest RAM with superpages), so
   * the entry exists before the guest touches the frame — the simulator only fills it in at the first touch,
   * without an exit. With PoD the entries are p2m_populate_on_demand: the first touch of each 2 MiB block exits
   * and p2m_pod_demand_populate maps a 2 MiB page from the PoD cache. Every block gets a 2 MiB leaf: the 4 KiB
   * pages meminit_hvm and PoD use around the VGA hole in the first 2 MiB are left out, since the simulated
   * kernel numbers its frames from 0 and does not follow a real guest's physical layout.
   */
  protected touchFrames(frame: number, frames: number): void {
    const ept = this.ept;
    // shadow paging: the p2m is built as well; the shadow MMU faults its own entries in
    if (ept === null) return;
    if (frames === 1 && ept.isBacked(frame)) return;
    let faults = 0;
    for (let block = frame - (frame % SUPERPAGE_FRAMES); block < frame + frames; block += SUPERPAGE_FRAMES) {
      if (ept.isBacked(block)) continue;
      ept.back(block, SUPERPAGE_FRAMES);
      faults++;
    }
    if (!this.options.pod) return;
    this.eptViolations(faults, this.exits.handler('default') + POD_POPULATE);
    this.counters.event('podPopulates', faults);
  }

  /** Linux on Xen's shadow paging announces an address space's teardown: exit_mmap's xen_hvm_exit_mmap issues
   *  HVMOP_pagetable_dying for the root (arch/x86/xen/mmu_hvm.c; Linux installs the hook only if Xen accepts the
   *  op, and do_hvm_op refuses it unless the domain is in shadow mode). A VMCALL exit; Xen's sh_pagetable_dying
   *  unhooks the root shadow's user entries, and the teardown's stores to shadowed tables then unshadow them at
   *  once (shadow-mmu.ts pagetableDying) */
  override exitMmap(root: number): void {
    const s = this.shadowMmu;
    if (s === null) return;
    this.counters.hypercall('hvm_op');
    this.exits.inKernel('VMCALL', 1, 'pagetable-dying');
    s.pagetableDying(root, this.layout.kernelHalfSlot);
  }

  /** an MMIO range QEMU owns is p2m_mmio_dm, not present in the EPT: an EPT_VIOLATION Xen decodes
   *  (handle_mmio → hvm_emulate_one) and forwards */
  protected override get mmioReason(): string {
    return 'EPT_VIOLATION';
  }

  /** A string PIO (`elements` > 1) is emulated as one access of `elements` repetitions (hvmemul_rep_ins /
   *  hvmemul_rep_outs, the repetitions clipped to the buffer's page): one exit per instruction for a buffer
   *  within a page, and QEMU's cpu_ioreq_pio loops over the ioreq's count, so the device model's work is per
   *  element. estimate: the page-aligned buffers of the pio op never cross a page per instruction */
  override pio(port: number, _write: boolean, count: number, elements = 1, _width = 1): void {
    if (this.options.mode === 'pvh') this.exits.inKernel('IO_INSTRUCTION', count, 'null-io', this.exits.handler('IO_INSTRUCTION'));
    else if (XEN_PORTS.has(port)) this.exits.inKernel('IO_INSTRUCTION', count);
    else this.exits.toUserSpace('IO_INSTRUCTION', count, this.profile.hvm.deviceModelAccess * elements);
  }

  /** PVH: no ioreq server, so hvmemul_do_io completes the access with Xen's null_handler */
  override mmio(write: boolean, count: number): void {
    if (this.options.mode === 'hvm') return super.mmio(write, count);
    this.exits.inKernel('EPT_VIOLATION', count, 'null-io', this.exits.handler('EPT_VIOLATION'));
  }

  /** `n` EVTCHNOP_sends by the guest, each a VMCALL exit into hvm_hypercall → do_event_channel_op doing `cycles` */
  private evtchnSend(mechanism: string, cycles: number, n = 1): void {
    this.counters.hypercall('event_channel_op', n);
    this.exits.inKernel('VMCALL', n, mechanism, this.exits.handler('VMCALL') + cycles);
  }

  /** Linux's Xen clockevent (xen_vcpuop_set_next_event): VCPUOP_set_singleshot_timer by VMCALL; Xen programs its
   *  own deadline timer for the vCPU (estimate: one WRMSR, as on PV), `count` times */
  override armTimer(count = 1): void {
    this.counters.hypercall('vcpu_op', count);
    this.exits.inKernel('VMCALL', count, 'singleshot-timer', this.exits.handler('VMCALL') + this.profile.native.msrWrite);
  }

  /**
   * An event-channel upcall through the callback vector: Xen marks the event pending and injects the vector
   * at the next VM entry (hvm_assert_evtchn_irq; the vector source needs no LAPIC acknowledgement, so the
   * guest's handler — Linux's sysvec_xen_hvm_callback — does no EOI). The timer is VIRQ_TIMER from Xen's own
   * timer interrupt. The kernel takes these halted (fromIdle): the vCPU was blocked in Xen, no exit; a running
   * vCPU is kicked out first (an EXTERNAL_INTERRUPT exit, the callback vector is not posted).
   */
  override interrupt(source: InterruptSource, fromIdle: boolean, count = 1): void {
    const n = this.profile.native;
    this.work('interrupt', n.interrupt * count);
    this.counters.event('interrupts', count);
    this.counters.event('upcalls', count);
    // estimate: injecting a vector at VM entry costs Xen what it costs KVM (hvm.irqInject)
    this.counters.charge('hypervisor', 'interrupt-injection', this.profile.hvm.irqInject * count);
    // estimate: Xen's timer interrupt and its softirq, one native interrupt
    if (source === 'timer') this.counters.charge('hypervisor', 'xen-timer', n.interrupt * count);
    if (!fromIdle) this.exits.inKernel('EXTERNAL_INTERRUPT', count);
    // emulated devices raise a legacy IRQ through the virtual IOAPIC and local APIC: that one is EOIed
    if (source === 'device' && this.options.io === 'emulated') this.apicEoi(count);
  }

  /** a virtual local APIC EOI: virtualized with APICv, else an x2APIC EOI write that exits */
  private apicEoi(n: number): void {
    if (this.profile.features.apicv) this.work('eoi', this.profile.native.eoi * n);
    else this.exits.inKernel('MSR_WRITE', n);
  }

  /**
   * ipi=evtchn: xen_send_IPI_one → EVTCHNOP_send (a VMCALL exit); the target takes an upcall without EOI.
   * ipi=apic: an x2APIC ICR write (MSR_WRITE exit → vlapic_ipi; a self-IPI's SELF_IPI write APICv virtualizes);
   * the target EOIs its local APIC. Another vCPU is halted (blocked in Xen): evtchn_set_pending / vlapic_set_irq
   * kick it, Xen interrupts its physical CPU (an IPI of Xen's own) and schedules it; it halts again after its
   * handler (HLT exit). A masked self-IPI (sent with the guest's IF clear, taken at its STI) cannot be
   * injected at once: vmx_intr_assist opens an interrupt window, an INTERRUPT_WINDOW exit at the STI — unless
   * APICv's virtual-interrupt delivery takes the vlapic's SELF_IPI vector (ipi=apic); the callback vector of an
   * event channel always goes through the window.
   */
  override sendIpi(target: 'self' | 'other', count: number, masked = false): void {
    const n = this.profile.native;
    const apic = this.options.ipi === 'apic';
    this.ipiSend(count, target === 'self' ? X2APIC_SELF_IPI : X2APIC_ICR);
    const virtualized = apic && target === 'self' && !msrExits(X2APIC_SELF_IPI, true, this.profile.features.apicv);
    this.ipiTarget(count, !virtualized);
    if (masked && target === 'self' && !virtualized) this.exits.inKernel('INTERRUPT_WINDOW', count);
    if (target === 'self') return;
    this.counters.charge('hypervisor', 'ipi', n.ipi * count);
    this.counters.event('vcpuWakeups', count);
    // estimate: Xen's schedule() from the idle vCPU to the woken one, and into idle again at its next block —
    // no state switch either way (context_switch is lazy towards the idle vCPU and back to the same vCPU), the
    // scheduler's work of one Linux context switch (native.contextSwitch) in all
    this.counters.charge('hypervisor', 'vcpu-wakeup', n.contextSwitch * count);
    this.exits.inKernel('HLT', count);
  }

  /** the sender's side of `count` IPIs of one destination each: an x2APIC write of `reg` (ipi=apic), else an
   *  EVTCHNOP_send (xen_send_IPI_one) */
  private ipiSend(count: number, reg: number): void {
    if (this.options.ipi === 'apic') {
      this.msr(reg, true, count);
      return;
    }
    this.evtchnSend('event-channel', this.profile.pv.eventChannelNotify, count);
    this.counters.event('eventChannel', count);
  }

  /**
   * The target's side of `count` IPIs: its delivery and handler as natively (native.ipi less the sender's ICR
   * write and the EOI), Xen's injection unless APICv delivered a self-IPI itself, and the handler's end: an EOI
   * to its local APIC (ipi=apic), none after an event channel's upcall
   */
  private ipiTarget(count: number, injected: boolean): void {
    const n = this.profile.native;
    this.work('ipi', (n.ipi - n.msrWrite - n.eoi) * count);
    this.counters.event('ipis', count);
    if (this.options.ipi === 'apic') this.apicEoi(count);
    else this.counters.event('upcalls', count);
    if (injected) this.counters.charge('hypervisor', 'interrupt-injection', this.profile.hvm.irqInject * count);
  }

  /** Linux's native flush_tlb_multi, its part for the other vCPUs: a call-function IPI to each target vCPU — an
   *  EVTCHNOP_send per destination (xen_smp_send_call_function_ipi → xen_send_IPI_mask, arch/x86/xen/smp.c), or
   *  an ICR write each — running its thread, so kicked out (EXTERNAL_INTERRUPT); each takes it like any IPI and
   *  flushes in its handler as natively (under shadow paging exiting) */
  protected override flushOthers(cpus: readonly number[], va: number, pages: number, pageBytes: number, full: boolean): void {
    const count = cpus.length;
    if (count === 0) return;
    this.ipiSend(count, X2APIC_ICR);
    const here = this.machine.currentIndex;
    for (const cpu of cpus) {
      this.selectCpu(cpu);
      this.exits.inKernel('EXTERNAL_INTERRUPT', 1);
      this.ipiTarget(1, true);
      this.remoteFlushHere(va, pages, pageBytes, full);
    }
    this.selectCpu(here);
  }

  /**
   * Xen's own timer while the guest runs: credit2's 10 ms slice (as on PV, xen-platform.ts) ends with Xen's
   * timer interrupt, which arrives in VMX non-root mode as an EXTERNAL_INTERRUPT exit; schedule() keeps the
   * running vCPU. One per 10 ms of guest execution, counted at the end of each phase.
   */
  override endRun(): void {
    this.periodicTimerExits(this.xenTimer, 'xenTimerInterrupts', 'xen-timer');
  }

  /** io=pv: the split driver (blkfront / netfront); io=emulated: every register access of every request an
   *  ioreq to QEMU, one interrupt per request */
  override deviceSubmit(device: DeviceKind, dir: IoDirection, bytes: number, requests: number): number {
    if (this.options.io === 'pv') return this.split.submit(device, dir, bytes, requests);
    return this.emulatedDeviceSubmit(device, requests);
  }
}
