// The paravirtual Platform: Xen PV on x86-64 (DESIGN §4). The guest kernel is deprivileged with its own page
// table, so user↔kernel transitions switch CR3 through Xen; page tables are read-only to the guest (direct
// paging: PTEs hold machine frames, every update validated by Xen through mmu_update, batched by multicall in
// lazy-MMU windows, new tables pinned); faults bounce through Xen; context switches and flushes are mmuext_op;
// idle is sched_op block, the timer set_timer_op, interrupts event-channel upcalls; I/O goes through split
// drivers. TLB misses stay 1-D walks: PV's advantage over nested paging.
import type { DeviceKind, InterruptSource, IoDirection } from '../types.ts';
import type { CostProfile } from '../machine/profile.ts';
import { NativePlatform } from '../native/native-platform.ts';
import { Hypercalls } from './hypercalls.ts';
import { MulticallBatcher } from './multicall.ts';
import { GuestModeSwitch } from './guest-mode.ts';
import { SplitDriver, type GrantMode } from './split-driver.ts';

export interface XenOptions {
  /** Xen's `pcid=`: PCIDs for the guest kernel and user tables, so guest-mode switches keep the TLB */
  pcid: boolean;
  /** multicall batch (Linux MC_BATCH = 32) */
  batch: number;
  grant: GrantMode;
}

/** MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE: Linux PV writes them with HYPERVISOR_set_segment_base */
const SEGMENT_BASE_MSRS = new Set([0xc0000100, 0xc0000101, 0xc0000102]);

export class XenPlatform extends NativePlatform {
  private readonly calls: Hypercalls;
  private readonly mc: MulticallBatcher;
  private readonly modes: GuestModeSwitch;
  private readonly split: SplitDriver;
  /** kernel L4 → the user L4 Xen keeps beside it (xen_pgd_alloc); user-half entries are written to both */
  private readonly userRoots = new Map<number, number>();

  constructor(profile: CostProfile, options: XenOptions) {
    // the PV kernel cannot use PCIDs itself: Xen owns CR3
    super(profile, false, false);
    this.calls = new Hypercalls(this.counters, profile.pv);
    this.mc = new MulticallBatcher(this.calls, this.counters, profile.pv, options.batch);
    this.modes = new GuestModeSwitch(this.counters, profile, this.mmu, this.calls, options.pcid);
    this.split = new SplitDriver(this.counters, profile, this.calls, options.grant);
  }

  /** a guest trap into Xen that Xen bounces or emulates, counted under its xenalyze name */
  private trap(name: string, n: number, work: number): void {
    this.counters.exit(name, n);
    this.counters.charge('hypervisor', 'pv-trap', (this.profile.native.exception + work) * n);
  }

  /** pin (or unpin) a table page: its kernel alias made read-only (update_va_mapping) and its type taken
   *  (mmuext_op PIN_Ln_TABLE validates all 512 entries — Linux xen_alloc_ptpage / xen_pgd_pin) */
  private pinOps(pin: boolean): void {
    const pv = this.profile.pv;
    this.mc.submit('update_va_mapping', 'pin-table', pv.pteValidate);
    this.mc.submit('mmuext_op', 'pin-table', pin ? pv.pinTablePage : pv.pteValidate);
    this.counters.event(pin ? 'tablesPinned' : 'tablesUnpinned');
  }

  override allocTable(level: number): number {
    const frame = super.allocTable(level);
    this.pinOps(true);
    if (level === 4) {
      const user = this.memory.allocFrame();
      this.userRoots.set(frame, user);
      this.pinOps(true);
    }
    this.mc.issueUnlessLazy();
    return frame;
  }

  override freeTable(frame: number, level: number): void {
    this.pinOps(false);
    const user = this.userRoots.get(frame);
    if (user !== undefined) {
      this.pinOps(false);
      this.memory.freeFrame(user);
      this.userRoots.delete(frame);
    }
    super.freeTable(frame, level);
    this.mc.issueUnlessLazy();
  }

  /** a validated PTE update (struct mmu_update { ptr, val }), batched inside lazy-MMU windows */
  override writeEntry(table: number, index: number, lo: number, hi: number): void {
    super.writeEntry(table, index, lo, hi);
    const validate = this.profile.pv.pteValidate;
    this.mc.submit('mmu_update', 'mmu-update', validate);
    this.counters.event('mmuUpdates');
    const user = this.userRoots.get(table);
    if (user !== undefined) {
      this.memory.write(user, index, lo, hi);
      this.mc.submit('mmu_update', 'mmu-update', validate);
      this.counters.event('mmuUpdates');
    }
    this.mc.issueUnlessLazy();
  }

  override enterLazyMmu(): void {
    this.mc.enterLazy();
  }

  override leaveLazyMmu(): void {
    this.mc.leaveLazy();
  }

  /** xen_write_cr3: one mmuext_op carrying NEW_BASEPTR and NEW_USER_BASEPTR; Xen's CR3 load flushes */
  override switchAddressSpace(root: number, pcid: number, flush: boolean): void {
    super.switchAddressSpace(root, pcid, flush);
    this.mc.submit('mmuext_op', 'mmuext-op', 0);
    this.mc.issueUnlessLazy();
  }

  /** MMUEXT_INVLPG_LOCAL */
  override invalidatePage(va: number): void {
    this.work('invlpg', this.profile.native.invlpg);
    this.dropPage(va, 'hypercall');
    this.mc.submit('mmuext_op', 'mmuext-op', 0);
    this.mc.issueUnlessLazy();
  }

  /** MMUEXT_TLB_FLUSH_LOCAL */
  override flushLocal(): void {
    this.work('cr3-write', this.profile.native.cr3Write);
    this.flushCurrent('hypercall');
    this.mc.submit('mmuext_op', 'mmuext-op', 0);
    this.mc.issueUnlessLazy();
  }

  /** Linux xen_flush_tlb_multi: one mmuext_op, MMUEXT_INVLPG_MULTI for a single page, else TLB_FLUSH_MULTI;
   *  Xen itself interrupts the other physical CPUs — no guest IPIs, no upcalls */
  override flushOthers(cpus: number, _va: number, pages: number, _pageBytes: number, full: boolean): void {
    const n = this.profile.native;
    const single = !full && pages === 1;
    this.calls.call('mmuext_op', 'mmuext-op');
    this.counters.charge('hypervisor', 'ipi', n.ipi * cpus);
    this.counters.charge('hypervisor', 'remote-flush', (single ? n.invlpg : n.cr3Write) * cpus);
    this.counters.event('ipis', cpus);
    this.counters.flush('remote', 'shootdown', cpus);
  }

  /** #PF goes to Xen (it reads CR2), is bounced to the guest kernel, which returns with the iret hypercall */
  override pageFault(): void {
    super.pageFault();
    this.counters.exit('page_fault');
    this.modes.roundTrips(1, 'trap-pt-switch', 'pv-trap');
  }

  override syscall(count: number): void {
    super.syscall(count);
    this.modes.roundTrips(count, 'syscall-pt-switch', 'pv-syscall');
  }

  /** Linux's xen_cpuid uses the forced-emulation prefix (ud2a; "xen"; cpuid): an invalid-op trap Xen emulates */
  override cpuid(count: number): void {
    super.cpuid(count);
    this.trap('forced_invalid_op', count, this.profile.pv.emulatePrivop);
  }

  override msr(index: number, write: boolean, count: number): void {
    super.msr(index, write, count);
    if (write && SEGMENT_BASE_MSRS.has(index)) this.calls.call('set_segment_base', 'pv-msr', count);
    else this.trap('emulate privop', count, this.profile.pv.emulatePrivop);
  }

  /** a null hypercall through the hypercall page (xen_version, HyperBench's hypercall case) */
  override hypercall(count: number): void {
    super.hypercall(count);
    this.calls.call('xen_version', 'hypercall', count);
  }

  override pio(port: number, write: boolean, count: number): void {
    super.pio(port, write, count);
    this.trap('emulate privop', count, this.profile.pv.emulatePrivop);
  }

  override mmio(write: boolean, count: number): void {
    super.mmio(write, count);
    this.trap('emulate privop', count, this.profile.pv.emulatePrivop);
  }

  /** SCHEDOP_block: the vCPU sleeps in Xen until an event is pending */
  override halt(): void {
    super.halt();
    this.calls.call('sched_op', 'sched-op');
  }

  /** an event-channel upcall: Xen builds a bounce frame to the guest's callback; the guest returns with iret
   *  and has no APIC to EOI. The timer is Xen's own interrupt (VIRQ_TIMER), which Xen takes and EOIs first. */
  override interrupt(source: InterruptSource, _fromIdle: boolean): void {
    const n = this.profile.native;
    this.work('interrupt', n.interrupt);
    this.counters.event('interrupts');
    this.counters.event('upcalls');
    this.calls.call('iret', 'event-channel', 1, this.profile.pv.bounceFrame);
    if (source === 'timer') this.counters.charge('hypervisor', 'event-channel', n.interrupt + n.eoi);
  }

  /** set_timer_op: Xen programs its own deadline timer for the vCPU */
  override armTimer(): void {
    this.calls.call('set_timer_op', 'set-timer-op', 1, this.profile.native.msrWrite);
  }

  /** an IPI is an event-channel send (EVTCHNOP_send); Xen interrupts the target's physical CPU when it is
   *  another one; the target takes an upcall */
  override sendIpi(target: 'self' | 'other', count: number): void {
    const { native, pv } = this.profile;
    this.calls.call('event_channel_op', 'event-channel', count, pv.eventChannelNotify * count);
    this.counters.event('eventChannel', count);
    this.counters.event('ipis', count);
    if (target === 'other') this.counters.charge('hypervisor', 'ipi', native.ipi * count);
    this.work('interrupt', native.interrupt * count);
    this.counters.event('upcalls', count);
    this.calls.call('iret', 'event-channel', count, pv.bounceFrame * count);
  }

  override deviceSubmit(device: DeviceKind, dir: IoDirection, bytes: number, requests: number): number {
    return this.split.submit(device, dir, bytes, requests);
  }
}
