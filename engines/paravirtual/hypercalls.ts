// Charging a hypercall: the SYSCALL into Xen through the hypercall page and the return (pv.hypercallEntry),
// counted under its Xen name as xenalyze shows it, and charged to the caller's domain under a mechanism name.
import type { CycleDomain } from '../types.ts';
import type { Counters } from '../machine/counters.ts';
import type { PvCosts } from '../machine/profile.ts';
import type { XenCr3 } from './xen-cr3.ts';

export class Hypercalls {
  /** `xen`: the guest's entries into Xen and exits from it (XPTI's CR3 writes, xen-cr3.ts) */
  constructor(private readonly counters: Counters, private readonly pv: PvCosts, private readonly xen: XenCr3) {}

  /** `n` hypercalls `op` entering Xen from `domain`: the guest's ('hypervisor' time) are counted as
   *  hypercalls; Dom0's ('host' time) apart, as events `dom0:<op>` */
  call(op: string, mechanism: string, n = 1, extraCycles = 0, domain: CycleDomain = 'hypervisor'): void {
    this.count(op, mechanism, n, extraCycles, domain);
    if (domain !== 'hypervisor') return;
    for (let i = 0; i < n; i++) {
      this.xen.enter();
      this.xen.exit();
    }
  }

  /** the charge and count of `call` alone, for a caller that runs the entry and exit itself */
  count(op: string, mechanism: string, n = 1, extraCycles = 0, domain: CycleDomain = 'hypervisor'): void {
    if (domain === 'host') return dom0Hypercall(this.counters, this.pv, op, mechanism, n, extraCycles);
    this.counters.hypercall(op, n);
    this.counters.charge(domain, mechanism, this.pv.hypercallEntry * n + extraCycles);
  }
}

/** `n` hypercalls `op` by Dom0 (a PV domain whatever the guest is): counted apart from the guest's, as events
 *  `dom0:<op>`, their cycles `host` */
export function dom0Hypercall(counters: Counters, pv: PvCosts, op: string, mechanism: string, n = 1, extraCycles = 0): void {
  counters.event(`dom0:${op}`, n);
  counters.charge('host', mechanism, pv.hypercallEntry * n + extraCycles);
}
