// Xen's control-register writes for a 64-bit PV vCPU, on the simulated TLB. Which CR4 Xen runs the guest with
// decides what a CR3 write flushes (Xen xen/arch/x86/pv/domain.c pv_make_cr4): PCIDE when the domain uses
// PCIDs, else PGE unless XPTI is on — never both. Under PGE the guest's user pages are global: Xen adds
// _PAGE_GLOBAL to every user L1 entry it validates (xen/arch/x86/pv/mm.h adjust_guest_l1e), so the CR3
// writes between the guest's kernel and user tables keep them ("Don't flush user global mappings from the
// TLB", _toggle_guest_pt), while the guest kernel's own entries (never global) go. With PCIDE each table has
// its own PCID and every such CR3 write carries NOFLUSH (include/asm/pv/domain.h get_pcid_bits). With neither,
// each CR3 write flushes everything.
//
// XPTI (Xen's Meltdown mitigation, docs/misc/xen-command-line.pandoc `xpti`: on by default except on hardware
// known not to be vulnerable, e.g. AMD) runs the guest on a per-CPU root table instead of its own L4: every
// exit to the guest (x86_64/entry.S restore_all_guest) copies the guest's L4 into that root when it changed
// and loads it into CR3, and every entry into Xen (lstar_enter and the other entry points) loads the guest's
// real table (xen_cr3) back. Xen copies the L4 only when it changed since the last exit — after a page-table
// toggle, a new_guest_cr3 or an L4 update (commit 18173843a5 "x86/xpti: avoid copying L4 page table contents
// when possible", which measured a `make -j 4` of Xen in a 4-vCPU dom0 at 112 → 103 s real, 142 → 131 s
// system). With PCIDs (pcid=xpti, the default since commit 5c81d260c2 "xen/x86: use PCID feature") the guest's
// two tables get two more PCIDs ORed with PCID_PV_XPTI and nothing is flushed.
import type { Counters } from '../machine/counters.ts';
import type { CostProfile } from '../machine/profile.ts';
import type { Mmu } from '../machine/mmu.ts';
import type { Machine } from '../machine/machine.ts';

/** PCIDs of a 64-bit PV domain (xen/arch/x86/include/asm/pv/domain.h): guest kernel, guest user, and the bit
 *  ORed in for the XPTI per-CPU root the guest runs on */
const PCID_PV_PRIV = 0;
const PCID_PV_USER = 1;
const PCID_PV_XPTI = 2;

/** what Xen keeps per vCPU for its CR3 writes */
export interface VcpuCr3 {
  mmu: Mmu;
  /** the vCPU is in guest kernel mode (TF_kernel_mode) */
  kernelMode: boolean;
  /** XPTI: the per-CPU root must get the guest's L4 copied in at the next exit (root_pgt_changed) */
  rootChanged: boolean;
}

/** The CR3 writes of the vCPU the machine runs now (Machine.select); each vCPU keeps its own mode */
export class XenCr3 {
  /** the PCID the guest kernel's (priv) or user's table runs under */
  private readonly kernelTag: number;
  private readonly userTag: number;
  /** the XPTI bit of the guest-side PCIDs (0 without PCIDs or XPTI) */
  private readonly xptiTag: number;
  private readonly vcpus: VcpuCr3[] = [];
  /** the current vCPU's state */
  private v: VcpuCr3;

  constructor(
    private readonly counters: Counters,
    private readonly profile: CostProfile,
    machine: Machine,
    /** the domain uses PCIDs (Xen's pcid= option): CR4.PCIDE, and CR4.PGE off */
    readonly pcid: boolean,
    /** XPTI: the guest runs on Xen's per-CPU root table; CR4.PGE off */
    readonly xpti: boolean,
  ) {
    this.kernelTag = pcid ? PCID_PV_PRIV : 0;
    this.userTag = pcid ? PCID_PV_USER : 0;
    this.xptiTag = pcid && xpti ? PCID_PV_XPTI : 0;
    this.v = this.bringUp(machine.current);
  }

  /** a vCPU first scheduled: pv_make_cr4 gives it PGE only without PCIDE and XPTI; its TLB starts with PGE on
   *  (Xen's own CR4 at boot) */
  bringUp(mmu: Mmu): VcpuCr3 {
    mmu.tlb.setPge(!this.pcid && !this.xpti, 'cr3');
    const v = { mmu, kernelMode: false, rootChanged: true };
    this.vcpus.push(v);
    return v;
  }

  /** the machine now runs vCPU `index` */
  select(index: number): void {
    this.v = this.vcpus[index];
  }

  private get mmu(): Mmu {
    return this.v.mmu;
  }

  /** the guest kernel table CR3 holds (or a domain's, during a domain switch) */
  get root(): number {
    return this.mmu.root;
  }

  private get modeTag(): number {
    return this.v.kernelMode ? this.kernelTag : this.userTag;
  }

  /** an entry into Xen from the guest (syscall, hypercall, trap, interrupt): with XPTI, CR3 := xen_cr3 */
  enter(): void {
    if (this.xpti) this.write(this.modeTag, 'xpti');
  }

  /** the exit back to the guest: with XPTI, the L4 copied into the per-CPU root if it changed, then CR3 */
  exit(): void {
    if (!this.xpti) return;
    if (this.v.rootChanged) {
      // estimate: restore_all_guest's rep movsq of the guest slots (most of the 4 KiB L4), a page copy
      this.counters.charge('hypervisor', 'xpti', this.profile.native.pageCopy);
      this.counters.event('xptiL4Copies');
      this.v.rootChanged = false;
    }
    this.write(this.modeTag | this.xptiTag, 'xpti');
  }

  /** the guest's L4 was updated (mmu_update on the root): XPTI copies it at the next exit */
  l4Changed(): void {
    for (const v of this.vcpus) v.rootChanged = true;
  }

  /** MOV to CR3 loading `tag`'s table: without PCIDE it drops every non-global entry; with PCIDE Xen sets
   *  NOFLUSH and the TLB keeps every PCID's entries */
  write(tag: number, mechanism: string): void {
    const m = this.mmu;
    this.counters.charge('hypervisor', mechanism, this.profile.native.cr3Write);
    this.counters.event('cr3Writes');
    m.setContext(m.mode, m.root, tag, m.vpid, m.eptRoot);
    if (!this.pcid) m.tlb.flushNonGlobal(m.vpid, 'cr3');
  }

  /** _toggle_guest_pt into guest kernel mode (run inside Xen: with XPTI between enter() and exit()) */
  toKernel(mechanism: string): void {
    this.v.kernelMode = true;
    this.v.rootChanged = true;
    this.write(this.kernelTag, mechanism);
  }

  /** _toggle_guest_pt back to guest user mode */
  toUser(mechanism: string): void {
    this.v.kernelMode = false;
    this.v.rootChanged = true;
    this.write(this.userTag, mechanism);
  }

  /**
   * new_guest_cr3 → write_ptbase → switch_cr3_cr4 (xen/arch/x86/flushtlb.c), loading the new guest kernel
   * table `root`. With PGE on it clears PGE, writes CR3 and sets PGE again: two CR4 writes, each a flush of
   * everything, globals included (the user pages of the old process are global). With PCIDE the CR3 write
   * keeps the TLB and invpcid_flush_all_nonglobals() drops every PCID's entries. Otherwise the CR3 write
   * alone flushes everything. The CR4 writes are charged at a CR3 write's cost (estimate: both serialise).
   */
  switchBase(root: number, mechanism: string): void {
    const m = this.mmu;
    m.setContext(m.mode, root, this.kernelTag, m.vpid, m.eptRoot);
    this.v.kernelMode = true;
    this.v.rootChanged = true;
    const pge = !this.pcid && !this.xpti;
    const cost = this.profile.native.cr3Write;
    if (pge) {
      this.counters.charge('hypervisor', mechanism, cost);
      m.tlb.setPge(false, 'cr3');
    }
    this.write(this.kernelTag, mechanism);
    if (pge) {
      this.counters.charge('hypervisor', mechanism, cost);
      m.tlb.setPge(true, 'cr3');
    }
    if (this.pcid) m.tlb.flushTag(-1, m.vpid, 'cr3');
  }

  /**
   * do_tlb_flush (xen/arch/x86/flushtlb.c), as MMUEXT_TLB_FLUSH_LOCAL reaches it: INVPCID all-contexts when
   * Xen uses INVPCID (PCID parts), else the two CR4.PGE writes, else a CR3 reload — global entries go too.
   */
  flushAll(cause: 'hypercall' | 'shootdown', mmu = this.mmu): void {
    const tlb = mmu.tlb;
    if (this.profile.features.pcid) tlb.flushAll(cause);
    else if (this.xpti) tlb.flushNonGlobal(mmu.vpid, cause);
    else {
      tlb.setPge(false, cause);
      tlb.setPge(true, cause);
    }
  }
}
