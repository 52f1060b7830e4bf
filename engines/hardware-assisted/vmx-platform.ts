// The shared hardware-assisted Platform: a guest kernel in VMX non-root mode on VT-x / AMD-V
// (docs/architecture.md#kvm). With EPT the guest kernel runs in non-root ring 0: syscalls, CR3 writes, INVLPG
// and PTE writes are native; TLB misses are 2-D walks; first touches of guest-physical memory the EPT does not
// map yet exit with EPT_VIOLATION. Sensitive instructions exit by VMX reason. Without EPT (`mmu=shadow`) the
// hardware walks the hypervisor's shadow tables in host memory, built on intercepted #PFs (shadow-mmu.ts); CR3
// writes and INVLPG exit. This class is the machine side only: who handles an exit (`VmxExitHandlers`), how
// guest memory gets host memory (touchFrames), interrupts, IPIs and devices are the hypervisor's, in its
// subclass.
import type { DeviceKind, ShadowPolicy, VmxExitHandlers } from '../types.ts';
import type { CostProfile } from '../machine/profile.ts';
import { FAULT_EPT_VIOLATION, FAULT_NONE } from '../machine/types.ts';
import { NativePlatform } from '../native/native-platform.ts';
import { VmExits } from './vm-exit.ts';
import { EptBacking } from './ept-backing.ts';
import { msrExits } from './msr-bitmap.ts';
import { emulatedRegisterAccesses } from './emulated-device.ts';
import { ShadowMmu } from './shadow-mmu.ts';
import type { ElapsedTicks } from '../machine/elapsed-ticks.ts';

/** what the VT-x machine runs with, whichever hypervisor handles its exits */
export interface VmxOptions {
  mmu: 'ept' | 'shadow';
  vpid: boolean;
  /** APIC virtualization: posted interrupts, virtualized EOI and self-IPI (the MSR bitmap follows it) */
  apicv: boolean;
}

export abstract class VmxPlatform extends NativePlatform {
  protected readonly exits: VmExits;
  protected readonly ept: EptBacking | null;
  protected readonly shadow: boolean;
  /** shadow mode: the hypervisor's shadow page tables */
  readonly shadowMmu: ShadowMmu | null;

  /** `handlers`: the hypervisor's side of an exit, made once the machine exists; `shadowPolicy`: how the
   *  hypervisor runs shadow paging when mmu=shadow (its rules, costs and counter names) */
  constructor(profile: CostProfile, private readonly vmx: VmxOptions, handlers: (platform: NativePlatform) => VmxExitHandlers, private readonly shadowPolicy: ShadowPolicy) {
    // the guest's tables live in guest-physical memory in both modes: under EPT the hardware walks them in two
    // dimensions, under shadow paging it walks the hypervisor's shadow tables in host memory, 1-D
    super(profile, true, profile.features.pcid);
    this.shadow = vmx.mmu === 'shadow';
    this.exits = new VmExits(this.counters, profile.hvm, this.machine, handlers(this));
    this.ept = this.shadow ? null : new EptBacking(this.machine.memory);
    this.shadowMmu = this.shadow ? new ShadowMmu(this.machine.memory, this.machine.guestMemory!, this.counters, shadowPolicy, this.exits, this.machine) : null;
    // VPID 0 is the host's tag: running the guest with it means every VM entry flushes (Mmu.vmExitEntry)
    this.mmu.setContext(this.shadow ? 'native' : 'nested', 0, 0, vmx.vpid ? 1 : 0, this.ept?.root ?? 0);
  }

  /** the guest writes frames [frame, frame + frames): back whatever the host has not backed yet, the
   *  hypervisor's way (a host page fault behind KVM, Xen's p2m) */
  protected abstract touchFrames(frame: number, frames: number): void;

  protected eptViolations(n: number, handler: number): void {
    if (n === 0) return;
    this.exits.inKernel('EPT_VIOLATION', n, 'ept-violation', handler);
    this.counters.event('eptViolations', n);
  }

  /** the exit an access to an emulated device's MMIO range causes */
  protected get mmioReason(): string {
    // MMIO to an unbacked region: a misconfigured EPT entry, or under shadow paging a reserved-bit #PF
    return this.shadow ? 'EXCEPTION_NMI' : 'EPT_MISCONFIG';
  }

  override allocTable(level: number): number {
    const frame = super.allocTable(level);
    // the kernel zeroes a new page-table page
    this.touchFrames(frame, 1);
    this.shadowMmu?.guestPageWrite(frame, true);
    return frame;
  }

  override writeEntry(table: number, index: number, lo: number, hi: number): void {
    this.touchFrames(table, 1);
    // a table with a shadow page is write-protected unless unsync: the store exits (shadow-mmu.ts)
    this.shadowMmu?.guestEntryWrite(table, index, lo, hi);
    super.writeEntry(table, index, lo, hi);
  }

  override zeroPage(frame: number, frames: number): void {
    this.touchFrames(frame, frames);
    this.pageWrites(frame, frames, true);
  }

  override copyPage(_from: number, to: number, frames: number): void {
    this.touchFrames(to, frames);
    this.pageWrites(to, frames, false);
  }

  /** the kernel's stores to whole frames (zeros, or a copy): a freed page-table frame may still be shadowed */
  private pageWrites(frame: number, frames: number, zero: boolean): void {
    const s = this.shadowMmu;
    if (s !== null) for (let f = frame; f < frame + frames; f++) s.guestPageWrite(f, zero);
  }

  /** shadow paging: MOV CR3 exits (the native write does not run); the hypervisor loads the shadow root for the
   *  guest's root and resyncs as its policy says */
  override switchAddressSpace(root: number, pcid: number, flush: boolean): void {
    const s = this.shadowMmu;
    if (s === null) {
      super.switchAddressSpace(root, pcid, flush);
      return;
    }
    this.exits.inKernel('CR_ACCESS', 1, 'shadow-cr3', this.shadowPolicy.costs.cr3);
    this.mmu.setContext('native', s.loadRoot(root, flush), pcid, this.mmu.vpid);
    if (flush) this.flushCurrent('cr3');
  }

  /** shadow paging: INVLPG exits; the guest's TLB entry goes and KVM syncs the page's shadow entry */
  override invalidatePage(va: number): void {
    const s = this.shadowMmu;
    if (s === null) {
      super.invalidatePage(va);
      return;
    }
    this.exits.inKernel('INVLPG', 1);
    this.dropPage(va, 'invlpg');
    s.invlpg(va);
  }

  /** shadow paging: the CR3 reload exits and syncs (without the shadow cache: rebuilds) like any flushing CR3
   *  write */
  override flushLocal(): void {
    const s = this.shadowMmu;
    if (s === null) {
      super.flushLocal();
      return;
    }
    this.exits.inKernel('CR_ACCESS', 1, 'shadow-cr3', this.shadowPolicy.costs.cr3);
    this.flushCurrent('cr3');
    this.mmu.root = s.reload();
  }

  /** a remote flush's IPI handler on the current vCPU: native, or under shadow paging its INVLPGs or CR3 reload
   *  exit and sync like the guest's own */
  protected remoteFlushHere(va: number, pages: number, pageBytes: number, full: boolean): void {
    const s = this.shadowMmu;
    if (s === null) {
      this.remoteFlush(this.mmu, va, pages, pageBytes, full);
      return;
    }
    if (full) {
      this.exits.inKernel('CR_ACCESS', 1, 'shadow-cr3', this.shadowPolicy.costs.cr3);
      this.flushCurrent('cr3');
      this.mmu.root = s.reload();
      return;
    }
    for (let i = 0; i < pages; i++) {
      this.exits.inKernel('INVLPG', 1);
      this.dropPage(va + i * pageBytes, 'invlpg');
      s.invlpg(va + i * pageBytes);
    }
  }

  override mmuAccess(va: number, write: boolean, user: boolean): number {
    const s = this.shadowMmu;
    if (s !== null) {
      // a fault on the shadow tables is a #PF the hypervisor intercepts: a guest fault to inject, or a shadow fault fixed
      // and retried (once: the shadow entry is then in place)
      for (let round = 0; round < 2; round++) {
        const fault = this.mmu.access(va, write, user);
        if (fault === FAULT_NONE) return fault;
        const guestFault = s.fault(va, write, user);
        if (guestFault !== FAULT_NONE) return guestFault;
      }
      throw new Error(`shadow MMU: access at 0x${va.toString(16)} still faults after a shadow fault`);
    }
    let fault = this.mmu.access(va, write, user);
    while (fault === FAULT_EPT_VIOLATION) {
      this.touchFrames(Math.floor(this.mmu.faultGpa / 4096), 1);
      fault = this.mmu.access(va, write, user);
    }
    return fault;
  }

  // An exiting instruction does not also run natively: the exit replaces it (the guest's CPUID, port access or
  // VMCALL never reaches hardware), so these charge the round trip and the hypervisor's handler only, not
  // NativePlatform's cost of the instruction.

  override cpuid(count: number): void {
    this.exits.inKernel('CPUID', count);
  }

  /** An MSR the bitmap intercepts exits; one it passes through (or an x2APIC write APICv virtualizes) runs
   *  natively. A TSC-deadline write (0x6e0) always exits: the hypervisor emulates the LAPIC timer */
  override msr(index: number, write: boolean, count: number): void {
    if (msrExits(index, write, this.vmx.apicv)) this.exits.inKernel(write ? 'MSR_WRITE' : 'MSR_READ', count);
    else super.msr(index, write, count);
  }

  override hypercall(count: number): void {
    this.exits.inKernel('VMCALL', count);
  }

  override mmio(_write: boolean, count: number): void {
    this.exits.toUserSpace(this.mmioReason, count, this.profile.hvm.deviceModelAccess);
  }

  override halt(waitCycles = 0): void {
    super.halt(waitCycles);
    this.exits.inKernel('HLT', 1);
  }

  /** a periodic timer of the hypervisor's own while the guest runs (`ticker`, due at the end of each phase):
   *  its interrupt arrives in VMX non-root mode as an EXTERNAL_INTERRUPT exit, counted as `event`; estimate: the
   *  tick's handling costs one native interrupt, charged under `mechanism` */
  protected periodicTimerExits(ticker: ElapsedTicks, event: string, mechanism: string): void {
    const ticks = ticker.due(this.counters.cycles.guest);
    if (ticks === 0) return;
    this.counters.event(event, ticks);
    this.exits.inKernel('EXTERNAL_INTERRUPT', ticks, mechanism, this.exits.handler('EXTERNAL_INTERRUPT') + this.profile.native.interrupt);
  }

  /** a register-level device emulated in the user-space device model (QEMU's IDE or e1000): every register
   *  access of every request exits and is forwarded, and each request completes with its own interrupt */
  protected emulatedDeviceSubmit(device: DeviceKind, requests: number): number {
    const hvm = this.profile.hvm;
    this.exits.toUserSpace(device === 'disk' ? 'IO_INSTRUCTION' : this.mmioReason, emulatedRegisterAccesses(device) * requests, hvm.deviceModelAccess);
    // estimate: the device model's I/O submission per request costs what a virtio back end's does
    this.counters.charge('host', 'device-model', hvm.virtioRequest * requests);
    return requests;
  }
}
