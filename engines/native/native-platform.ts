// The bare-metal Platform: the baseline every overhead is measured against (docs/architecture.md#native). SYSCALL/SYSRET,
// MOV CR3 flushing non-global entries unless PCID, INVLPG, 1-D walks, device registers accessed directly.
// Every cycle here is work native hardware does; the xen and kvm platforms extend this class and charge their
// virtualization work on top under their own mechanism names, so (engine − native) per mechanism is overhead.
import type { AddressLayout, DeviceKind, InterruptSource, IoDirection, KernelBody, Platform } from '../types.ts';
import type { CostProfile } from '../machine/profile.ts';
import type { PhysicalMemory } from '../machine/types.ts';
import { Counters } from '../machine/counters.ts';
import { Machine } from '../machine/machine.ts';
import type { Mmu } from '../machine/mmu.ts';
import { FAULT_NONE } from '../machine/types.ts';
import { X86_64_LAYOUT } from '../guest/layout.ts';
import { flushHere } from '../guest/tlb-invalidate.ts';

/** IA32_TSC_DEADLINE (Intel SDM Vol. 3 §10.5.4.1): the one-shot timer Linux re-arms each tick */
export const MSR_TSC_DEADLINE = 0x6e0;

export class NativePlatform implements Platform {
  readonly counters = new Counters();
  readonly machine: Machine;
  readonly memory: PhysicalMemory;
  /** the MMU of the vCPU the platform runs on now (selectCpu) */
  mmu: Mmu;
  readonly pcid: boolean;
  readonly superpages: boolean = true;

  /**
   * `guestPhysical`: the kernel's memory is a guest-physical space apart from host memory (hardware-assisted).
   * `pcid`: whether the kernel may use PCIDs (a PV guest cannot: Xen owns CR3).
   * `layout`: the guest's paging mode (x86-64, or PAE for a 32-bit PV guest), which the MMU walks.
   */
  constructor(
    readonly profile: CostProfile,
    guestPhysical = false,
    pcid = profile.features.pcid,
    readonly layout: AddressLayout = X86_64_LAYOUT,
  ) {
    this.machine = new Machine(profile, this.counters, { vcpus: 1, guestPhysical, paging: layout.format });
    this.memory = this.machine.guestMemory ?? this.machine.memory;
    this.mmu = this.machine.current;
    this.pcid = pcid;
    this.machine.onBringUp = (mmu, index) => this.bringUp(mmu, index);
  }

  selectCpu(cpu: number): void {
    this.mmu = this.machine.select(cpu);
  }

  /** a vCPU after the first comes up (INIT-SIPI natively): it runs in the first vCPU's paging mode; its CR3 is
   *  loaded when the kernel first schedules a thread there */
  protected bringUp(mmu: Mmu, _index: number): void {
    const first = this.machine.mmus[0];
    mmu.setContext(first.mode, 0, 0, first.vpid, first.eptRoot);
  }

  /** charge native work of this CPU */
  protected work(mechanism: string, cycles: number): void {
    this.counters.charge('guest', mechanism, cycles);
  }

  allocPage(frames: number): number {
    return frames === 1 ? this.memory.allocFrame() : this.memory.allocContiguous(frames);
  }

  freePage(frame: number, frames: number): void {
    for (let i = 0; i < frames; i++) this.memory.freeFrame(frame + i);
  }

  allocTable(_level: number): number {
    return this.memory.allocFrame();
  }

  freeTable(frame: number, _level: number): void {
    this.memory.freeFrame(frame);
  }

  writeEntry(table: number, index: number, lo: number, hi: number): void {
    this.memory.write(table, index, lo, hi);
    this.work('pte-write', this.profile.native.pteWrite);
  }

  /** a locked RMW of a PTE (xchg / cmpxchg): natively just the store; a shadow-paging kvm traps it through
   *  its writeEntry like any write to a write-protected table */
  atomicEntry(table: number, index: number, lo: number, hi: number): void {
    this.writeEntry(table, index, lo, hi);
  }

  /** bare metal: nothing accrues with elapsed time that the baseline does not already charge */
  endRun(): void {}

  enterMmap(_root: number): void {}
  exitMmap(_root: number): void {}
  enterLazyMmu(): void {}
  leaveLazyMmu(): void {}
  /** data-page contents are not simulated; the kernel charges zeroing and copying as its own work */
  zeroPage(_frame: number, _frames: number): void {}
  copyPage(_from: number, _to: number, _frames: number): void {}

  switchAddressSpace(root: number, pcid: number, flush: boolean): void {
    this.work('cr3-write', this.profile.native.cr3Write);
    this.mmu.setContext(this.mmu.mode, root, pcid, this.mmu.vpid, this.mmu.eptRoot);
    if (flush) this.flushCurrent('cr3');
  }

  invalidatePage(va: number): void {
    this.work('invlpg', this.profile.native.invlpg);
    this.dropPage(va, 'invlpg');
  }

  protected dropPage(va: number, cause: 'invlpg' | 'hypercall'): void {
    this.mmu.tlb.invalidatePage(Math.floor(va / 4096), this.mmu.pcid, this.mmu.vpid, cause);
  }

  /** Linux native_flush_tlb_local: reload CR3 (the PCID's non-global entries go) */
  flushLocal(): void {
    this.work('cr3-write', this.profile.native.cr3Write);
    this.flushCurrent('cr3');
  }

  /** drop the current address space's non-global entries: its PCID's when PCIDs are on */
  protected flushCurrent(cause: 'cr3' | 'hypercall'): void {
    const m = this.mmu;
    if (this.pcid) m.tlb.flushTag(m.pcid, m.vpid, cause);
    else m.tlb.flushNonGlobal(m.vpid, cause);
  }

  /**
   * native_flush_tlb_multi (Linux arch/x86/mm/tlb.c, through on_each_cpu_cond_mask): flush_tlb_func on this CPU
   * when it is in the mask, as flush_tlb_mm_range would run it alone, and an IPI to each other CPU, whose
   * flush_tlb_func flushes the same. The two run concurrently; the model flushes here first. KVM's PV flush
   * (arch/x86/kernel/kvm.c kvm_flush_tlb_multi) keeps the caller in the mask — its own vCPU is never preempted
   * — and calls native_flush_tlb_multi too: the platforms differ in flushOthers only
   */
  flushMulti(others: readonly number[], here: boolean, va: number, pages: number, pageBytes: number, full: boolean): void {
    if (here) flushHere(this, va, pages, pageBytes, full);
    this.flushOthers(others, va, pages, pageBytes, full);
  }

  /** native_flush_tlb_multi's part for the other CPUs `cpus`: an IPI to each, whose flush_tlb_func flushes */
  protected flushOthers(cpus: readonly number[], va: number, pages: number, pageBytes: number, full: boolean): void {
    this.sendIpi('other', cpus.length);
    for (const cpu of cpus) this.remoteFlush(this.machine.vcpu(cpu), va, pages, pageBytes, full);
  }

  /**
   * flush_tlb_func on vCPU `mmu`, for the address space it has loaded: one INVLPG per page, or the whole
   * address space as a CR3 reload would drop it (its PCID's entries, else every non-global one)
   */
  protected remoteFlush(mmu: Mmu, va: number, pages: number, pageBytes: number, full: boolean): void {
    const n = this.profile.native;
    this.work('remote-flush', full ? n.cr3Write : n.invlpg * pages);
    const tlb = mmu.tlb;
    if (full) {
      if (this.pcid) tlb.flushTag(mmu.pcid, mmu.vpid, 'shootdown');
      else tlb.flushNonGlobal(mmu.vpid, 'shootdown');
      return;
    }
    for (let i = 0; i < pages; i++) tlb.invalidatePage(Math.floor((va + i * pageBytes) / 4096), mmu.pcid, mmu.vpid, 'shootdown');
  }

  access(va: number, write: boolean): number {
    return this.mmuAccess(va, write, true);
  }

  /** one access through the MMU in user or kernel mode (kvm resolves EPT violations here) */
  protected mmuAccess(va: number, write: boolean, user: boolean): number {
    return this.mmu.access(va, write, user);
  }

  /** a kernel-mode access; its TLB misses are counted apart too (`kernelTlbMisses`), as the kernel's own */
  kernelAccess(va: number, write: boolean): void {
    const c = this.counters;
    const misses = c.tlbMisses;
    if (this.mmuAccess(va, write, false) !== FAULT_NONE) throw new Error(`kernel access at 0x${va.toString(16)} faulted`);
    if (c.tlbMisses !== misses) c.event('kernelTlbMisses');
  }

  pageFault(): void {
    this.work('exception', this.profile.native.exception);
  }

  /** SYSCALL/SYSRET, no CR3 write: the kernel's entries stay in the TLB (global, and this is their PCID) */
  syscall(count: number, body: KernelBody): void {
    this.work('syscall', this.profile.native.syscall * count);
    for (let i = 0; i < count; i++) body.run();
  }

  cpuid(count: number): void {
    this.work('cpuid', this.profile.native.cpuid * count);
  }

  rdtsc(count: number): void {
    this.work('rdtsc', this.profile.native.rdtsc * count);
  }

  msr(_index: number, write: boolean, count: number): void {
    this.work('msr', (write ? this.profile.native.msrWrite : this.profile.native.msrRead) * count);
  }

  hypercall(count: number): void {
    this.work('call', this.profile.native.call * count);
  }

  /** a string PIO accesses the device register once per element */
  pio(_port: number, _write: boolean, count: number, elements = 1, _width = 1): void {
    this.work('pio', this.profile.native.pio * count * elements);
  }

  mmio(_write: boolean, count: number): void {
    this.work('mmio', this.profile.native.mmio * count);
  }

  halt(_waitCycles = 0): void {
    this.counters.event('halts');
  }

  interrupt(_source: InterruptSource, _fromIdle: boolean, count = 1): void {
    this.work('interrupt', this.profile.native.interrupt * count);
    this.work('eoi', this.profile.native.eoi * count);
    this.counters.event('interrupts', count);
  }

  armTimer(count = 1): void {
    this.msr(MSR_TSC_DEADLINE, true, count);
  }

  /** a self-IPI sent with interrupts disabled is taken at the STI after it, at no extra cost */
  sendIpi(_target: 'self' | 'other', count: number, _masked = false): void {
    this.work('ipi', this.profile.native.ipi * count);
    this.counters.event('ipis', count);
  }

  /** an NVMe / NIC queue: descriptors in memory (the driver's work), one doorbell write, one interrupt */
  deviceSubmit(_device: DeviceKind, _dir: IoDirection, _bytes: number, _requests: number): number {
    this.work('device-doorbell', this.profile.native.mmio);
    return 1;
  }
}
