// The paravirtual Platform: Xen PV on x86-64 (docs/architecture.md#xen). The guest kernel is deprivileged with its own page
// table, so user↔kernel transitions switch CR3 through Xen; page tables are read-only to the guest (direct
// paging: PTEs hold machine frames, every update validated by Xen through mmu_update, batched by multicall in
// lazy-MMU windows, except the locked xchg/cmpxchg of munmap and fork, which Xen traps and emulates (ptwr); an
// mm's tables are pinned once before it is first used and unpinned before teardown); faults bounce through Xen;
// context switches and flushes are mmuext_op;
// idle is sched_op block, the timer VCPUOP_set_singleshot_timer, port I/O and MMIO a bounced exception (a domU
// has no device model), interrupts event-channel upcalls; I/O goes through split
// drivers. TLB misses stay 1-D walks: PV's advantage over nested paging.
import type { DeviceKind, InterruptSource, IoDirection, KernelBody } from '../types.ts';
import type { CostProfile } from '../machine/profile.ts';
import type { Mmu } from '../machine/mmu.ts';
import { MSR_TSC_DEADLINE, NativePlatform } from '../native/native-platform.ts';
import { Hypercalls } from './hypercalls.ts';
import { MMU_UPDATE_BYTES, MMUEXT_OP_BYTES, MulticallBatcher } from './multicall.ts';
import { entryFrame, entryHi, entryLo, PTE_G, PTE_P, PTE_PS, PTE_US } from '../machine/pte.ts';
import { PAE_LAYOUT, X86_64_LAYOUT } from '../guest/layout.ts';
import { XenCr3 } from './xen-cr3.ts';
import { GuestModeSwitch } from './guest-mode.ts';
import { SplitDriver, type BlkMode, type NetMode } from './split-driver.ts';
import { PvDomainPort } from './pv-domain-port.ts';
import { ElapsedTicks } from '../machine/elapsed-ticks.ts';

export interface XenOptions {
  /** Xen's `pcid=` as it resolves for this domain: PCIDs for the guest kernel and user tables */
  pcid: boolean;
  /** Xen's `xpti=`: the guest runs on a per-CPU root table, CR3 switched on every entry and exit */
  xpti: boolean;
  /** multicall batch (Linux MC_BATCH = 32) */
  batch: number;
  /** x86_32: a 32-bit PAE guest, kernel in ring 1 with Xen at the top of every address space behind segment
   *  limits (the 2003 design); x86_64: kernel in ring 3 with its own page table */
  arch: 'x86_64' | 'x86_32';
  /** blkfront/blkback data path: persistent grants (Linux 3.8+) or a grant map per request */
  blk: BlkMode;
  /** netback data path: copy on receive and batched map on transmit (today), or a map per request */
  net: NetMode;
}

/** credit2's longest slice for a vCPU with no competitor: CSCHED2_MAX_TIMER = 10 ms (xen/common/sched/credit2.c) */
export const CSCHED2_SLICE_S = 0.010;

/** the PAE root's entries: four PDPTEs (Intel SDM Vol. 3 §4.4.1), all Xen's alloc_l3_table scans (PAE
 *  Xen's L3_PAGETABLE_ENTRIES) */
const PAE_PDPTES = 4;
/** the PAE kernel PMD's guest slots: below HYPERVISOR_VIRT_START, 0xF5800000 with PAE (xen/include/public/
 *  arch-x86/xen-x86_32.h __HYPERVISOR_VIRT_START_PAE), i.e. (0xF5800000 − 0xC0000000) / 2 MiB = 428; Xen
 *  validates only those (is_guest_l2_slot on a PGT_pae_xen_l2 page) and writes its own mappings into the
 *  84 above (create_pae_xen_mappings) */
const PAE_XEN_L2_FIRST_SLOT = (0xf5800000 - 0xc0000000) / 2 ** 21;

/** MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE: Linux PV writes them with HYPERVISOR_set_segment_base */
const SEGMENT_BASE_MSRS = new Set([0xc0000100, 0xc0000101, 0xc0000102]);

export class XenPlatform extends NativePlatform {
  private readonly calls: Hypercalls;
  private readonly mc: MulticallBatcher;
  private readonly modes: GuestModeSwitch;
  private readonly cr3: XenCr3;
  private readonly split: SplitDriver;
  /** kernel L4 → the user L4 Xen keeps beside it (xen_pgd_alloc); user-half entries are written to both */
  private readonly userRoots = new Map<number, number>();
  /** the guest's page-table pages and their levels (4 = root) */
  private readonly tableLevel = new Map<number, number>();
  /** table pages that are pinned: read-only to the guest, typed and validated by Xen (PagePinned) */
  private readonly pinned = new Set<number>();
  /** init_mm's top-level table (swapper_pg_dir), made on the first leave_mm */
  private initMm = 0;
  /** no superpages for a PV guest: Xen refuses a PSE L2 entry from one (L2_DISALLOW_MASK has _PAGE_PSE,
   *  xen/arch/x86/mm.c; the opt-in `allowsuperpage` mode is gone from current Xen) and its CPUID hides PSE and PDPE1GB (Xen's
   *  cpufeatureset.h marks them for HVM guests only); Linux PV also clears CR4.PSE (xen_write_cr4). A 2 MiB
   *  region is then mapped with 4 KiB pages, as THP falls back without PSE */
  override readonly superpages = false;

  /** a 32-bit PV guest (arch=x86_32) */
  private readonly pv32: boolean;

  constructor(profile: CostProfile, options: XenOptions) {
    // the PV kernel cannot use PCIDs itself: Xen owns CR3; a 32-bit guest runs with PAE paging
    super(profile, false, false, options.arch === 'x86_32' ? PAE_LAYOUT : X86_64_LAYOUT);
    this.pv32 = options.arch === 'x86_32';
    this.cr3 = new XenCr3(this.counters, profile, this.machine, options.pcid, options.xpti);
    this.calls = new Hypercalls(this.counters, profile.pv, this.cr3);
    this.mc = new MulticallBatcher(this.calls, this.counters, profile.pv, options.batch);
    this.modes = new GuestModeSwitch(this.counters, profile, this.cr3, this.calls);
    const port = new PvDomainPort(this.counters, this.calls, this.cr3, () => this.memory.allocFrame());
    this.split = new SplitDriver(this.counters, profile, port, options.blk, options.net);
  }

  /** a guest trap into Xen that Xen bounces or emulates, counted under its xenalyze name */
  private trap(name: string, n: number, work: number): void {
    this.counters.exit(name, n);
    this.counters.charge('hypervisor', 'pv-trap', (this.profile.native.exception + work) * n);
    for (let i = 0; i < n; i++) {
      this.cr3.enter();
      this.cr3.exit();
    }
  }

  /** Xen's validation work when a table page takes (or drops) its type: alloc_lN_table / free_lN_table go
   *  through the table's `slots` entries (pinTablePage for all 512 of a page), and every present one of the
   *  first `guestSlots` costs a get_page / put_page with its type and reference count */
  private typeCost(frame: number, slots = 512, guestSlots = slots): number {
    const pv = this.profile.pv;
    const mem = this.memory;
    let present = 0;
    for (let i = 0; i < guestSlots; i++) if ((mem.readLo(frame, i) & PTE_P) !== 0) present++;
    return Math.round((pv.pinTablePage * slots) / 512) + present * pv.pteValidate;
  }

  /** the root's type: a PAE root is a 4-entry PDPT, not a page of 512 */
  private rootTypeCost(root: number): number {
    return this.layout.format.levels === 3 ? this.typeCost(root, PAE_PDPTES) : this.typeCost(root);
  }

  /** an unshared kernel PMD (PAE, engines/guest/layout.ts) below `root`, else 0. Xen types it
   *  PGT_pae_xen_l2: its guest slots validated, the rest filled with Xen's own entries (one step per slot) */
  private kernelPmd(root: number): number {
    const { kernelSlot, sharedKernelPmd } = this.layout;
    if (sharedKernelPmd) return 0;
    const lo = this.memory.readLo(root, kernelSlot);
    return (lo & PTE_P) === 0 ? 0 : entryFrame(lo, this.memory.readHi(root, kernelSlot));
  }

  /** the table pages below `root` (not `root` itself), parents before children, into `out`; the kernel
   *  half is left out: its tables are shared by every mm and pinned once (Linux xen_pgd_walk walks the user
   *  part; the kernel's tables are pinned by xen_setup_kernel_pagetable) */
  private collectTables(frame: number, level: number, out: number[]): void {
    if (level === 1) return;
    const mem = this.memory;
    const end = level === this.layout.format.levels ? this.layout.kernelHalfSlot : 512;
    for (let i = 0; i < end; i++) {
      const lo = mem.readLo(frame, i);
      if ((lo & PTE_P) === 0 || (lo & PTE_PS) !== 0) continue;
      const child = entryFrame(lo, mem.readHi(frame, i));
      if (!this.tableLevel.has(child)) continue;
      out.push(child);
      this.collectTables(child, level - 1, out);
    }
  }

  /**
   * xen_enter_mmap → xen_pgd_pin, once per mm before it is first used (end of fork's dup_mmap, exec's
   * activate_mm, boot): every table page's kernel alias made read-only (update_va_mapping), each PTE page
   * pinned as L1 (MMUEXT_PIN_L1_TABLE, validated), then MMUEXT_PIN_L4_TABLE on the root, which validates the
   * L4, L3 and L2 pages below it (their L1 children are already typed: a reference each); the same for the
   * user L4. One batch, issued at once. A 32-bit PAE guest's pgd holds its own copy of the kernel PMD: Linux
   * makes it read-only too ("Need to make sure unshared kernel PMD is pinnable", xen_pin_page(…, PT_PMD)
   * before MMUEXT_PIN_L3_TABLE, Linux ≤ 5.8 arch/x86/xen/mmu_pv.c __xen_pgd_pin), and the L3's validation
   * types it with the user PMDs.
   */
  override enterMmap(root: number): void {
    if (this.pinned.has(root)) return;
    const pv = this.profile.pv;
    const tables: number[] = [];
    this.collectTables(root, this.layout.format.levels, tables);
    let upper = this.rootTypeCost(root);
    for (const t of tables) {
      this.mc.submit('update_va_mapping', 'pin-table', pv.pteValidate);
      if (this.tableLevel.get(t) === 1) {
        this.mc.submit('mmuext_op', 'pin-table', this.typeCost(t), MMUEXT_OP_BYTES);
        this.adjustL1Table(t);
      }
      else upper += this.typeCost(t);
      this.pinned.add(t);
    }
    this.pgdRemap();
    const kpmd = this.kernelPmd(root);
    if (kpmd !== 0) {
      this.mc.submit('update_va_mapping', 'pin-table', pv.pteValidate);
      upper += this.typeCost(kpmd, 512, PAE_XEN_L2_FIRST_SLOT);
      this.pinned.add(kpmd);
    }
    this.mc.submit('mmuext_op', 'pin-table', upper, MMUEXT_OP_BYTES);
    this.pinned.add(root);
    const user = this.userRoots.get(root);
    if (user !== undefined) {
      this.pgdRemap();
      this.mc.submit('mmuext_op', 'pin-table', this.typeCost(user), MMUEXT_OP_BYTES);
    }
    this.counters.event('tablesPinned', tables.length + (user !== undefined ? 2 : 1) + (kpmd !== 0 ? 1 : 0));
    this.mc.issue();
  }

  /**
   * xen_pin_page / xen_unpin_page remap a top-level table page with UVMF_TLB_FLUSH (Linux mmu_pv.c: `level ==
   * PT_PGD ? UVMF_TLB_FLUSH : 0`): Xen's do_update_va_mapping then flushes this CPU's TLB (flush_tlb_local),
   * global entries included.
   */
  private pgdRemap(): void {
    this.mc.submit('update_va_mapping', 'pin-table', this.profile.pv.pteValidate);
    this.cr3.flushAll('hypercall');
  }

  /** alloc_l1_table runs adjust_guest_l1e over every entry of a page it pins (xen/arch/x86/mm.c) */
  private adjustL1Table(frame: number): void {
    const mem = this.memory;
    for (let i = 0; i < 512; i++) {
      const lo = mem.readLo(frame, i);
      if ((lo & (PTE_P | PTE_US)) === (PTE_P | PTE_US)) mem.setLoBits(frame, i, PTE_G);
    }
  }

  /**
   * A leaf as it ends up in the table. Xen's adjust_guest_l1e (xen/arch/x86/pv/mm.h), applied to every L1
   * entry it validates, makes a present user page global; the guest kernel's own pages never are (Linux
   * enlighten_pv.c masks _PAGE_GLOBAL out of __supported_pte_mask, and Xen refuses a global kernel page).
   */
  private leafLo(lo: number, validated: boolean): number {
    if ((lo & PTE_P) === 0) return lo;
    if ((lo & PTE_US) === 0) return (lo & ~PTE_G) >>> 0;
    // adjust_guest_l1e leaves a 32-bit domain's entries alone (is_pv_32bit_domain)
    return validated && !this.pv32 ? (lo | PTE_G) >>> 0 : lo;
  }

  /**
   * xen_exit_mmap → xen_pgd_unpin before exit_mmap tears the tables down: MMUEXT_UNPIN_TABLE on both L4s
   * (Xen drops the types and references of everything below), every page made writable again, PTE pages
   * unpinned one by one; from then on teardown is plain stores into ordinary pages. An unshared kernel PMD
   * loses its type with the L3 and is made writable ("Need to make sure unshared kernel PMD is unpinned").
   */
  override exitMmap(root: number): void {
    if (this.mmu.root === root) this.leaveMm(root);
    if (!this.pinned.has(root)) return;
    const pv = this.profile.pv;
    const tables: number[] = [];
    this.collectTables(root, this.layout.format.levels, tables);
    let upper = this.rootTypeCost(root);
    for (const t of tables) if (this.tableLevel.get(t) !== 1) upper += this.typeCost(t);
    const kpmd = this.kernelPmd(root);
    if (kpmd !== 0) upper += this.typeCost(kpmd, 512, PAE_XEN_L2_FIRST_SLOT);
    this.mc.submit('mmuext_op', 'pin-table', upper, MMUEXT_OP_BYTES);
    const user = this.userRoots.get(root);
    if (user !== undefined) {
      this.mc.submit('mmuext_op', 'pin-table', this.typeCost(user), MMUEXT_OP_BYTES);
      this.pgdRemap();
    }
    if (kpmd !== 0) {
      this.mc.submit('update_va_mapping', 'pin-table', pv.pteValidate);
      this.pinned.delete(kpmd);
    }
    for (const t of tables) {
      if (this.tableLevel.get(t) === 1) this.mc.submit('mmuext_op', 'pin-table', this.typeCost(t), MMUEXT_OP_BYTES);
      this.mc.submit('update_va_mapping', 'pin-table', pv.pteValidate);
      this.pinned.delete(t);
    }
    this.pgdRemap();
    this.pinned.delete(root);
    this.counters.event('tablesUnpinned', tables.length + (user !== undefined ? 2 : 1) + (kpmd !== 0 ? 1 : 0));
    this.mc.issue();
  }

  /**
   * xen_exit_mmap → xen_drop_mm_ref → leave_mm when this CPU still has the dying mm loaded: switch_mm to
   * init_mm, i.e. xen_write_cr3 of swapper_pg_dir (NEW_BASEPTR and a null NEW_USER_BASEPTR, one mmuext_op)
   * and Xen's new_guest_cr3 with it. init_mm's table holds only the kernel's mappings.
   */
  private leaveMm(root: number): void {
    if (this.initMm === 0) this.initMm = this.swapperPgDir(root);
    this.newBasePtr(this.initMm);
  }

  /** init_mm's table as it has been since boot: the kernel's entry at its slot, taken from `root`; an
   *  unshared kernel PMD is swapper_pg_dir's own, not `root`'s copy, which goes with `root` */
  private swapperPgDir(root: number): number {
    const mem = this.memory;
    const slot = this.layout.kernelSlot;
    const pgd = mem.allocFrame();
    let lo = mem.readLo(root, slot);
    let hi = mem.readHi(root, slot);
    const kpmd = this.kernelPmd(root);
    if (kpmd !== 0) {
      const own = mem.allocFrame();
      for (let i = 0; i < 512; i++) mem.write(own, i, mem.readLo(kpmd, i), mem.readHi(kpmd, i));
      lo = entryLo(own, this.layout.format.rootTableFlags);
      hi = entryHi(own, 0);
    }
    mem.write(pgd, slot, lo, hi);
    return pgd;
  }

  override allocTable(level: number): number {
    const frame = super.allocTable(level);
    this.tableLevel.set(frame, level);
    // xen_pgd_alloc: the user L4 Xen switches to in guest user mode, beside the kernel's
    if (level === 4 && !this.pv32) this.userRoots.set(frame, this.memory.allocFrame());
    return frame;
  }

  /** free_pgtables in a live (pinned) mm: xen_release_ptpage unpins a PTE page and makes the page writable */
  override freeTable(frame: number, level: number): void {
    if (this.pinned.delete(frame)) {
      if (level === 1) this.mc.submit('mmuext_op', 'pin-table', this.typeCost(frame), MMUEXT_OP_BYTES);
      this.mc.submit('update_va_mapping', 'pin-table', this.profile.pv.pteValidate);
      this.counters.event('tablesUnpinned');
      this.mc.issueUnlessLazy();
    }
    this.tableLevel.delete(frame);
    const user = this.userRoots.get(frame);
    if (user !== undefined) {
      this.memory.freeFrame(user);
      this.userRoots.delete(frame);
    }
    super.freeTable(frame, level);
  }

  /**
   * set_pte / set_pmd / set_pud / set_p4d. In a pinned table every write is a validated mmu_update request,
   * merged into the batch (xen_extend_mmu_update); linking a new table into a pinned one first makes it
   * read-only and, for a PTE page, pins it (xen_alloc_ptpage); Xen types an upper-level child when the link
   * is validated. In an unpinned table (an mm under construction or after xen_exit_mmap) set_pmd/pud/p4d are
   * plain stores; set_pte still goes through mmu_update (__xen_set_pte), which Xen applies to the writable
   * page without validation; a PTE clear (ptep_get_and_clear) is a plain exchange.
   */
  override writeEntry(table: number, index: number, lo: number, hi: number): void {
    const level = this.tableLevel.get(table) ?? 1;
    if (level === 1) lo = this.leafLo(lo, this.pinned.has(table));
    super.writeEntry(table, index, lo, hi);
    const pv = this.profile.pv;
    // the user L4 holds the user half only: the guest kernel is not mapped in guest user mode
    const user = index < this.layout.kernelHalfSlot ? this.userRoots.get(table) : undefined;
    if (user !== undefined) this.memory.write(user, index, lo, hi);
    if (!this.pinned.has(table)) {
      if (level !== 1 || (lo & PTE_P) === 0) return;
      // estimate: do_mmu_update on a PGT_writable_page only stores the value (no get_page_from_l1e)
      this.mc.submit('mmu_update', 'mmu-update', this.profile.native.pteWrite, MMU_UPDATE_BYTES);
      this.counters.event('mmuUpdates');
      this.mc.issueUnlessLazy();
      return;
    }
    let validate = pv.pteValidate;
    if (level > 1 && (lo & PTE_P) !== 0 && (lo & PTE_PS) === 0) {
      const child = entryFrame(lo, hi);
      if (this.tableLevel.has(child) && !this.pinned.has(child)) {
        this.mc.submit('update_va_mapping', 'pin-table', pv.pteValidate);
        if (level === 2) this.mc.submit('mmuext_op', 'pin-table', this.typeCost(child), MMUEXT_OP_BYTES);
        else validate += this.typeCost(child);
        this.pinned.add(child);
        this.counters.event('tablesPinned');
        // xen_alloc_ptpage issues its own batch (xen_mc_issue) before the caller's set_pmd / set_pud
        this.mc.issueUnlessLazy();
      }
    }
    this.mc.submit('mmu_update', 'mmu-update', validate, MMU_UPDATE_BYTES);
    this.counters.event('mmuUpdates');
    if (level === 4) this.cr3.l4Changed();
    if (user !== undefined) {
      this.mc.submit('mmu_update', 'mmu-update', pv.pteValidate, MMU_UPDATE_BYTES);
      this.counters.event('mmuUpdates');
    }
    this.mc.issueUnlessLazy();
  }

  /**
   * A locked xchg / cmpxchg on a PTE (munmap's ptep_get_and_clear, fork's ptep_set_wrprotect: no paravirt hook
   * in Linux 6.8, arch/x86/xen/mmu_pv.c has no ptep_get_and_clear op). In a pinned table the page is read-only:
   * the write faults into Xen, which finds a read-only mapping of an L1 page and emulates the instruction
   * (Xen arch/x86/pv/ro-page-fault.c pv_ro_page_fault → ptwr_do_page_fault → x86_emulate; a locked RMW
   * reaches ptwr_emulated_cmpxchg → ptwr_emulated_update: get_page_from_l1e on a present new value,
   * put_page_from_l1e of the old one), then returns to the guest kernel — no bounce, no guest page-table
   * switch. xenalyze counts it as the PV trap `ptwr`. In an unpinned table it is a plain store.
   */
  override atomicEntry(table: number, index: number, lo: number, hi: number): void {
    const pinned = this.pinned.has(table);
    const old = this.memory.readLo(table, index);
    // ptwr_emulated_update applies adjust_guest_l1e too (xen/arch/x86/pv/ro-page-fault.c)
    super.writeEntry(table, index, this.leafLo(lo, pinned), hi);
    if (!pinned) return;
    const { native, pv } = this.profile;
    this.counters.exit('ptwr');
    this.counters.event('ptwrEmulations');
    this.cr3.enter();
    this.cr3.exit();
    // #PF into Xen (native.exception) + x86_emulate of the instruction (pv.emulatePrivop, the same emulator
    // as "emulate privop") + a reference-count update (pv.pteValidate) per present entry it checks: fork's
    // write-protect turns a present PTE into a present one (get_page_from_l1e of the new value and
    // put_page_from_l1e of the old: 2), munmap's and a COW break's clear drops one (put only: 1); all
    // estimates, see the profile
    const refs = ((old & PTE_P) !== 0 ? 1 : 0) + ((lo & PTE_P) !== 0 ? 1 : 0);
    this.counters.charge('hypervisor', 'ptwr', native.exception + pv.emulatePrivop + refs * pv.pteValidate);
  }

  private readonly xenTimer = new ElapsedTicks(this.profile.ghz * 1e9 * CSCHED2_SLICE_S);

  /**
   * Xen's own timer while the PV guest runs: with the credit2 scheduler (Xen's default since 4.12) a vCPU
   * with no competitor is given a slice of CSCHED2_MAX_TIMER = CSCHED2_CREDIT_INIT = 10 ms
   * (xen/common/sched/credit2.c); at its end Xen's timer interrupt enters Xen, schedule() picks the same vCPU
   * again and Xen returns to the guest. One per 10 ms of guest execution; none while the vCPU is blocked
   * (sched_op block). No VM exit exists on PV and xenalyze lists no PV trap for it: counted as an event.
   */
  override endRun(): void {
    const ticks = this.xenTimer.due(this.counters.cycles.guest);
    if (ticks === 0) return;
    this.counters.event('xenTimerInterrupts', ticks);
    for (let i = 0; i < ticks; i++) {
      this.cr3.enter();
      this.cr3.exit();
    }
    // estimate: Xen's interrupt entry/exit and a schedule() that keeps the running vCPU, taken as one native
    // interrupt (profile.native.interrupt)
    this.counters.charge('hypervisor', 'xen-timer', this.profile.native.interrupt * ticks);
  }

  override enterLazyMmu(): void {
    this.mc.enterLazy();
  }

  override leaveLazyMmu(): void {
    this.mc.leaveLazy();
  }

  /**
   * xen_write_cr3: one mmuext_op carrying NEW_BASEPTR and NEW_USER_BASEPTR; new_guest_cr3 loads the new
   * kernel table through switch_cr3_cr4 (xen-cr3.ts), and the return to the new process's user mode is a
   * guest page-table switch like any other.
   */
  override switchAddressSpace(root: number, _pcid: number, _flush: boolean): void {
    this.newBasePtr(root);
    this.cr3.toUser('mmuext-op');
  }

  /**
   * MMUEXT_NEW_BASEPTR and MMUEXT_NEW_USER_BASEPTR, merged into one mmuext_op (xen_extend_mmuext_op). Xen's
   * new_guest_cr3 takes a type reference on the new kernel L4 (get_page_and_type_from_mfn) and drops the old
   * one's (put_page_and_type), the same for the user L4 (xen/arch/x86/mm.c new_guest_cr3, MMUEXT_NEW_USER_
   * BASEPTR): 4 reference updates at pteValidate each; then write_ptbase → switch_cr3_cr4.
   */
  private newBasePtr(root: number): void {
    const refs = 2 * this.profile.pv.pteValidate;
    this.mc.submit('mmuext_op', 'mmuext-op', refs, MMUEXT_OP_BYTES);
    // a 32-bit guest has one table (xen_write_cr3 sends no NEW_USER_BASEPTR)
    if (!this.pv32) this.mc.submit('mmuext_op', 'mmuext-op', refs, MMUEXT_OP_BYTES);
    this.mc.issueUnlessLazy();
    this.cr3.switchBase(root, 'mmuext-op');
  }

  /** xen_start_context_switch: the switch's hypercalls are batched in a lazy-CPU window */
  startContextSwitch(): void {
    this.mc.enterLazy();
  }

  /**
   * __switch_to (Linux arch/x86/kernel/process_64.c) leaves lazy-CPU mode (arch_end_context_switch →
   * xen_end_context_switch) before it reloads sp0 (update_task_stack → xen_load_sp0): the batch goes to Xen
   * first — switch_mm's merged NEW_BASEPTRs, a lone mmuext_op — and MULTI_stack_switch then finds no lazy
   * mode, so xen_mc_issue sends it at once as its own stack_switch hypercall. Two hypercalls, no multicall, as
   * a real PV dom0's trace shows them (xen_mc_flush of the mmuext_op in LAZY_CPU, then stack_switch in
   * LAZY_NONE). Between the two, x86_fsgsbase_load's load_seg_legacy rewrites MSR_FS_BASE whenever the next
   * task's FS base is not zero — every 64-bit process's is, its libc's thread pointer — whether or not it
   * changed; a PV kernel cannot write the MSR and asks Xen (xen_write_msr_safe → xen_do_write_msr → HYPERVISOR_set_segment_base
   * SEGBASE_FS, arch/x86/xen/enlighten_pv.c): one set_segment_base per switch. A 32-bit guest's thread
   * pointer is a TLS descriptor in the GDT, which load_TLS only rewrites when it changed (a forked process
   * has its parent's).
   */
  endContextSwitch(): void {
    this.mc.leaveLazy();
    if (!this.pv32) this.calls.call('set_segment_base', 'context-switch-pv');
    this.mc.submit('stack_switch', 'context-switch-pv', 0);
    this.mc.issueUnlessLazy();
  }

  /** MMUEXT_INVLPG_LOCAL */
  override invalidatePage(va: number): void {
    this.flushCaller(va, true);
    // xen_flush_tlb_one_user: a multicall entry of its own (xen_mc_entry), never merged
    this.mc.submit('mmuext_op', 'mmuext-op', 0, MMUEXT_OP_BYTES, false);
    this.mc.issueUnlessLazy();
  }

  /** MMUEXT_TLB_FLUSH_LOCAL: Xen's do_tlb_flush drops the global user entries too */
  override flushLocal(): void {
    this.flushCaller(0, false);
    // xen_flush_tlb: xen_mc_entry, never merged
    this.mc.submit('mmuext_op', 'mmuext-op', 0, MMUEXT_OP_BYTES, false);
    this.mc.issueUnlessLazy();
  }

  /** what Xen does on the calling vCPU's physical CPU for a flush hypercall: INVLPG of the page at `va` when
   *  `single` (paging_invlpg, flush_tlb_one_local), else do_tlb_flush (xen/arch/x86/flushtlb.c) */
  private flushCaller(va: number, single: boolean): void {
    const n = this.profile.native;
    if (single) {
      this.work('invlpg', n.invlpg);
      this.dropPage(va, 'hypercall');
    } else {
      this.work('cr3-write', n.cr3Write);
      this.cr3.flushAll('hypercall');
    }
  }

  override selectCpu(cpu: number): void {
    super.selectCpu(cpu);
    this.cr3.select(cpu);
  }

  protected override bringUp(mmu: Mmu, index: number): void {
    super.bringUp(mmu, index);
    this.cr3.bringUp(mmu);
  }

  /**
   * Linux xen_flush_tlb_multi (arch/x86/xen/mmu_pv.c): one mmuext_op for the whole vCPU mask,
   * MMUEXT_INVLPG_MULTI when the range is one page, else MMUEXT_TLB_FLUSH_MULTI. Since Linux 5.13 the mask
   * keeps the calling vCPU (only offline CPUs are taken out), so there is no INVLPG_LOCAL / TLB_FLUSH_LOCAL of
   * the caller's own: Xen (xen/arch/x86/mm.c do_mmuext_op → vcpumask_to_pcpumask, flush_tlb_one_mask /
   * flush_tlb_mask → xen/arch/x86/smp.c flush_area_mask) flushes the caller's physical CPU itself and
   * interrupts the physical CPUs the others run on — no guest IPIs, no upcalls — and each flushes as
   * MMUEXT_INVLPG_LOCAL / TLB_FLUSH_LOCAL would there: the one page, or everything (do_tlb_flush, the guest's
   * global user pages too). A range of 2 to 33 pages, one INVLPG each natively, empties the caller's TLB too.
   * `shootdownTargets` counts the vCPUs other than the caller's, as xen-qemu counts each call's ncpus less one
   * (engines/lab/xen-qemu/to-counters.ts remoteTargets): the caller's flush is counted as the local one is.
   */
  override flushMulti(others: readonly number[], here: boolean, va: number, pages: number, _pageBytes: number, full: boolean): void {
    const n = this.profile.native;
    const single = !full && pages === 1;
    this.calls.call('mmuext_op', 'mmuext-op');
    if (here) this.flushCaller(va, single);
    this.counters.charge('hypervisor', 'ipi', n.ipi * others.length);
    this.counters.charge('hypervisor', 'remote-flush', (single ? n.invlpg : n.cr3Write) * others.length);
    this.counters.event('ipis', others.length);
    // the flush each target takes, whatever the TLB records for it (two on a CPU whose flush toggles CR4.PGE)
    this.counters.event('shootdownTargets', others.length);
    for (const cpu of others) {
      const mmu = this.machine.vcpu(cpu);
      if (single) mmu.tlb.invalidatePage(Math.floor(va / 4096), mmu.pcid, mmu.vpid, 'shootdown');
      else this.cr3.flushAll('shootdown', mmu);
    }
  }

  /**
   * #PF goes to Xen (it reads CR2), is bounced to the guest kernel, which returns with the iret hypercall. A
   * 32-bit guest's kernel (ring 1) shares the page table with its user: no switch, and it returns with a
   * plain IRET to ring 3 (Barham et al. 2003 §2.1: faults other than page faults go straight to the guest).
   */
  override pageFault(): void {
    super.pageFault();
    this.counters.exit('page_fault');
    if (!this.pv32) {
      this.modes.roundTrips(1, 'trap-pt-switch', 'pv-trap');
      return;
    }
    this.counters.charge('hypervisor', 'pv-trap', this.profile.pv.bounceFrame);
  }

  /**
   * 64-bit: every syscall enters Xen and switches page tables both ways (guest-mode.ts). 32-bit: the guest
   * registers int 0x80 in its fast trap table (HYPERVISOR_set_trap_table; Xen installs it as a DPL-3 trap
   * gate), so a syscall goes straight to the ring-1 kernel and back with IRET, as natively — no Xen entry,
   * no page-table switch (Barham et al. 2003 §2.1 "fast exception handler").
   */
  override syscall(count: number, body: KernelBody): void {
    if (this.pv32) return super.syscall(count, body);
    this.work('syscall', this.profile.native.syscall * count);
    this.modes.roundTrips(count, 'syscall-pt-switch', 'pv-syscall', body);
  }

  /** Linux's xen_cpuid uses the forced-emulation prefix (ud2a; "xen"; cpuid): an invalid-op trap Xen emulates */
  override cpuid(count: number): void {
    super.cpuid(count);
    this.trap('forced_invalid_op', count, this.profile.pv.emulatePrivop);
  }

  /** set_segment_base for the segment-base MSRs; WRMSR of IA32_TSC_DEADLINE, which a PV domU has no local APIC
   *  for, fails in Xen's emulation (guest_wrmsr) and becomes a #GP bounced to the guest; other MSRs Xen
   *  emulates */
  override msr(index: number, write: boolean, count: number): void {
    super.msr(index, write, count);
    if (write && SEGMENT_BASE_MSRS.has(index)) this.calls.call('set_segment_base', 'pv-msr', count);
    else if (index === MSR_TSC_DEADLINE) this.bounce('general_protection', count, this.profile.pv.emulatePrivop);
    else this.trap('emulate privop', count, this.profile.pv.emulatePrivop);
  }

  /**
   * An instruction a PV domU may not execute: Xen's handler (after an emulation attempt costing `work`) injects
   * the exception into the guest (pv_inject_hw_exception), i.e. a bounce frame to the guest kernel's handler,
   * which returns with the iret hypercall. Nothing is emulated for the guest.
   */
  private bounce(name: string, n: number, work: number): void {
    const pv = this.profile.pv;
    this.trap(name, n, work);
    this.counters.charge('hypervisor', 'pv-bounce', pv.bounceFrame * n);
    this.calls.call('iret', 'pv-bounce', n);
  }

  /** a null hypercall through the hypercall page (xen_version, HyperBench's hypercall case) */
  override hypercall(count: number): void {
    super.hypercall(count);
    this.calls.call('xen_version', 'hypercall', count);
  }

  /** a domU has no I/O privilege and no device model behind ports: Xen's emulate_privileged_op decodes the
   *  IN/OUT, guest_io_okay refuses it, and the #GP goes to the guest (xen/arch/x86/pv/emul-priv-op.c; a
   *  privileged domain would be granted the ports through physdev_op instead) */
  override pio(port: number, write: boolean, count: number): void {
    super.pio(port, write, count);
    this.bounce('general_protection', count, this.profile.pv.emulatePrivop);
  }

  /** a domU has no emulated MMIO devices: the access hits a non-present mapping and Xen bounces the #PF */
  override mmio(write: boolean, count: number): void {
    super.mmio(write, count);
    this.bounce('page_fault', count, 0);
  }

  /** SCHEDOP_block: the vCPU sleeps in Xen until an event is pending */
  override halt(): void {
    super.halt();
    this.calls.call('sched_op', 'sched-op');
  }

  /** an event-channel upcall: Xen builds a bounce frame to the guest's callback; the guest returns with iret
   *  and has no APIC to EOI. The timer is Xen's own interrupt (VIRQ_TIMER), which Xen takes and EOIs first. */
  override interrupt(source: InterruptSource, _fromIdle: boolean, count = 1): void {
    const n = this.profile.native;
    this.work('interrupt', n.interrupt * count);
    this.counters.event('interrupts', count);
    this.counters.event('upcalls', count);
    this.calls.call('iret', 'event-channel', count, this.profile.pv.bounceFrame * count);
    if (source === 'timer') this.counters.charge('hypervisor', 'event-channel', (n.interrupt + n.eoi) * count);
  }

  /** Linux's Xen clockevent (arch/x86/xen/time.c xen_vcpuop_set_next_event): VCPUOP_set_singleshot_timer,
   *  a vcpu_op hypercall; Xen programs its own deadline timer for the vCPU (estimate: one WRMSR) */
  override armTimer(count = 1): void {
    this.calls.call('vcpu_op', 'singleshot-timer', count, this.profile.native.msrWrite * count);
  }

  /** an IPI is an event-channel send (EVTCHNOP_send, one per destination: xen_send_IPI_one); Xen interrupts the
   *  target's physical CPU when it is another one; the target takes an upcall. Another vCPU idles in
   *  SCHEDOP_block (Linux xen_safe_halt): the send wakes it (evtchn_set_pending → vcpu_wake) and after its handler
   *  it blocks again, one sched_op per IPI, as the HVM guest's HLT (xen-hvm-platform.ts). A self-IPI sent with the guest's events masked
   *  (vcpu_info.evtchn_upcall_mask) stays pending: the unmask (xen_irq_enable, Linux arch/x86/xen/irq.c) finds
   *  evtchn_upcall_pending set and forces the upcall with a null hypercall (xen_force_evtchn_callback:
   *  HYPERVISOR_xen_version) */
  override sendIpi(target: 'self' | 'other', count: number, masked = false): void {
    const { native, pv } = this.profile;
    this.calls.call('event_channel_op', 'event-channel', count, pv.eventChannelNotify * count);
    if (masked) this.calls.call('xen_version', 'event-channel', count);
    this.counters.event('eventChannel', count);
    this.counters.event('ipis', count);
    if (target === 'other') {
      this.counters.charge('hypervisor', 'ipi', native.ipi * count);
      this.counters.event('vcpuWakeups', count);
      // estimate: Xen's schedule() to the woken vCPU and to idle at its next block, as for xen:mode=hvm
      this.counters.charge('hypervisor', 'vcpu-wakeup', native.contextSwitch * count);
      this.calls.call('sched_op', 'sched-op', count);
    }
    this.work('interrupt', native.interrupt * count);
    this.counters.event('upcalls', count);
    this.calls.call('iret', 'event-channel', count, pv.bounceFrame * count);
  }

  override deviceSubmit(device: DeviceKind, dir: IoDirection, bytes: number, requests: number): number {
    return this.split.submit(device, dir, bytes, requests);
  }
}
