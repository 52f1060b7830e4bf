// Xen's scheduler moving the shared physical CPU from an HVM / PVH vCPU to Dom0 and back (xen/arch/x86/domain.c
// context_switch → __context_switch: vmx_ctxt_switch_from saves the VMCS-held state, write_ptbase loads the next
// vCPU's tables). In VMX root operation a CR3 write invalidates only the mappings tagged with VPID 0, the host's
// (Intel SDM Vol. 3 §29.4.3.1): Dom0's and Xen's own entries go, the guest's VPID-tagged entries survive both
// switches. Back in the guest's vCPU Xen loads that vCPU's monitor table (HAP: pagetable_get_paddr of
// v->arch.monitor_table), another root-mode CR3 write, then resumes the guest's VMCS.
import type { Counters } from '../machine/counters.ts';
import type { CostProfile } from '../machine/profile.ts';
import type { Mmu, MmuMode } from '../machine/mmu.ts';

/** the host's VPID: what root-mode CR3 writes flush */
const HOST_VPID = 0;

export class Dom0Switch {
  /** Dom0's top-level table, loaded while it runs on this physical CPU */
  private dom0Root = 0;
  // the guest's context, saved while Dom0 runs
  private mode: MmuMode = 'nested';
  private root = 0;
  private pcid = 0;
  private vpid = 0;
  private eptRoot = 0;

  constructor(
    private readonly counters: Counters,
    private readonly profile: CostProfile,
    /** the MMU of the vCPU whose physical CPU Dom0 takes over: the one running now */
    private readonly current: () => Mmu,
    private readonly allocHostFrame: () => number,
  ) {}

  /**
   * `times` switches to Dom0 in a row, each followed by toGuest's return (the ioreq loop): the first changes
   * the MMU's context and flushes; nothing fills the host's entries between back-to-back round trips (Dom0's
   * own accesses are not simulated), so the others find nothing to drop and are only counted.
   */
  toDom0(times = 1): void {
    const m = this.current();
    if (this.dom0Root === 0) this.dom0Root = this.allocHostFrame();
    this.mode = m.mode;
    this.root = m.root;
    this.pcid = m.pcid;
    this.vpid = m.vpid;
    this.eptRoot = m.eptRoot;
    m.setContext('native', this.dom0Root, 0, HOST_VPID);
    this.cr3Writes(times);
  }

  /** `times` returns to the guest's vCPU (see toDom0) */
  toGuest(times = 1): void {
    this.current().setContext(this.mode, this.root, this.pcid, this.vpid, this.eptRoot);
    this.cr3Writes(times);
  }

  private cr3Writes(times: number): void {
    const c = this.counters;
    c.charge('hypervisor', 'domain-switch', this.profile.native.cr3Write * times);
    c.event('cr3Writes', times);
    c.event('domainSwitches', times);
    this.current().tlb.flushNonGlobal(HOST_VPID, 'cr3');
    if (times > 1) c.flush('nonGlobal', 'cr3', times - 1);
  }
}
