// Xen x86-64 PV runs the guest kernel in ring 3 with its own page table, because x86-64 has no segment limits
// to protect it (Linux commit "xen64: allocate and manage user pagetables"). Every entry from guest user mode
// into the guest kernel — a syscall through Xen's lstar_enter, a bounced fault — switches CR3 to the kernel's
// table, and the return through the `iret` hypercall switches back (Xen pv/domain.c toggle_guest_mode →
// _toggle_guest_pt). What those CR3 writes flush is the simulated TLB's business (xen-cr3.ts): the user's
// global entries survive, the guest kernel's entries do not, so the kernel walks for its own pages again.
import type { KernelBody } from '../types.ts';
import type { Counters } from '../machine/counters.ts';
import type { CostProfile } from '../machine/profile.ts';
import type { Hypercalls } from './hypercalls.ts';
import type { XenCr3 } from './xen-cr3.ts';

export class GuestModeSwitch {
  constructor(
    private readonly counters: Counters,
    private readonly profile: CostProfile,
    private readonly cr3: XenCr3,
    private readonly calls: Hypercalls,
  ) {}

  /**
   * `n` round trips user → Xen → guest kernel (`body`, when given, is the kernel's work there) → `iret`
   * hypercall → Xen → user. `mechanism` names the page-table switches (`syscall-pt-switch`,
   * `trap-pt-switch`); `bounce` names Xen's delivery work and the iret.
   */
  roundTrips(n: number, mechanism: string, bounce: string, body?: KernelBody): void {
    if (n === 0) return;
    const cr3 = this.cr3;
    this.counters.charge('hypervisor', bounce, this.profile.pv.bounceFrame * n);
    this.calls.count('iret', bounce, n);
    for (let i = 0; i < n; i++) {
      // into Xen from user mode, toggle, out to the guest kernel; the kernel's work; the iret hypercall back
      cr3.enter();
      cr3.toKernel(mechanism);
      cr3.exit();
      body?.run();
      cr3.enter();
      cr3.toUser(mechanism);
      cr3.exit();
    }
    this.counters.event('ptSwitches', 2 * n);
  }
}
