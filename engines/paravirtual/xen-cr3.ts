// Xen's control-register writes for a 64-bit PV vCPU, on the simulated TLB. Which CR4 Xen runs the guest with
// decides what a CR3 write flushes (Xen xen/arch/x86/pv/domain.c pv_make_cr4): PCIDE when the domain uses
// PCIDs, else PGE unless XPTI is on — never both. Under PGE the guest's user pages are global: Xen adds
// _PAGE_GLOBAL to every user L1 entry it validates (xen/arch/x86/pv/mm.h adjust_guest_l1e), so the CR3
// writes between the guest's kernel and user tables keep them ("Don't flush user global mappings from the
// TLB", _toggle_guest_pt), while the guest kernel's own entries (never global) go. With PCIDE each table has
// its own PCID and every such CR3 write carries NOFLUSH (include/asm/pv/domain.h get_pcid_bits). With neither,
// each CR3 write flushes everything.
import type { Counters } from '../machine/counters.ts';
import type { CostProfile } from '../machine/profile.ts';
import type { Mmu } from '../machine/mmu.ts';

/** PCIDs of a 64-bit PV domain (xen/arch/x86/include/asm/pv/domain.h): guest kernel, guest user */
const PCID_PV_PRIV = 0;
const PCID_PV_USER = 1;

export class XenCr3 {
  /** the PCID the guest kernel's (priv) or user's table runs under */
  private readonly kernelTag: number;
  private readonly userTag: number;

  constructor(
    private readonly counters: Counters,
    private readonly profile: CostProfile,
    private readonly mmu: Mmu,
    /** the domain uses PCIDs (Xen's pcid= option): CR4.PCIDE, and CR4.PGE off */
    readonly pcid: boolean,
  ) {
    this.kernelTag = pcid ? PCID_PV_PRIV : 0;
    this.userTag = pcid ? PCID_PV_USER : 0;
    // pv_make_cr4: PGE only without PCIDE; the TLB starts with PGE on (Xen's own CR4 at boot)
    mmu.tlb.setPge(!pcid, 'cr3');
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

  /** _toggle_guest_pt into guest kernel mode */
  toKernel(mechanism: string): void {
    this.write(this.kernelTag, mechanism);
  }

  /** _toggle_guest_pt back to guest user mode */
  toUser(mechanism: string): void {
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
    const pge = !this.pcid;
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
  flushAll(cause: 'hypercall'): void {
    const tlb = this.mmu.tlb;
    if (this.profile.features.pcid) tlb.flushAll(cause);
    else {
      tlb.setPge(false, cause);
      tlb.setPge(true, cause);
    }
  }
}
