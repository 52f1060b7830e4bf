// Xen x86-64 PV runs the guest kernel in ring 3 with its own page table, because x86-64 has no segment limits
// to protect it (Linux commit "xen64: allocate and manage user pagetables"). Every entry from guest user mode
// into the guest kernel — a syscall through Xen's lstar_enter, a bounced fault — switches CR3 to the kernel's
// table, and the return through the `iret` hypercall switches back (Xen pv/domain.c toggle_guest_mode →
// _toggle_guest_pt). Each switch flushes non-global TLB entries unless Xen uses PCIDs for the two tables
// (Xen's `pcid=` option), in which case the CR3 writes keep both tags.
import type { Counters } from '../machine/counters.ts';
import type { CostProfile } from '../machine/profile.ts';
import type { Mmu } from '../machine/mmu.ts';
import type { Hypercalls } from './hypercalls.ts';

export class GuestModeSwitch {
  constructor(
    private readonly counters: Counters,
    private readonly profile: CostProfile,
    private readonly mmu: Mmu,
    private readonly calls: Hypercalls,
    private readonly pcid: boolean,
  ) {}

  /**
   * `n` round trips user → Xen → guest kernel → `iret` hypercall → Xen → user. `mechanism` names the page-table
   * switches (`syscall-pt-switch`, `trap-pt-switch`); `bounce` names Xen's delivery work and the iret.
   */
  roundTrips(n: number, mechanism: string, bounce: string): void {
    if (n === 0) return;
    const c = this.counters;
    const { native, pv } = this.profile;
    c.charge('hypervisor', bounce, pv.bounceFrame * n);
    this.calls.call('iret', bounce, n);
    c.charge('hypervisor', mechanism, 2 * native.cr3Write * n);
    c.event('ptSwitches', 2 * n);
    if (this.pcid) return;
    // the first flush empties the non-global entries; the rest find nothing left to drop but are flushes all
    // the same, counted without re-running the (idempotent) TLB operation
    this.mmu.tlb.flushNonGlobal(this.mmu.vpid, 'cr3');
    c.flush('nonGlobal', 'cr3', 2 * n - 1);
  }
}
