// Charging a hypercall: the SYSCALL into Xen through the hypercall page and the return (pv.hypercallEntry),
// counted under its Xen name as xenalyze shows it, and charged to the caller's domain under a mechanism name.
import type { CycleDomain } from '../types.ts';
import type { Counters } from '../machine/counters.ts';
import type { PvCosts } from '../machine/profile.ts';

export class Hypercalls {
  constructor(private readonly counters: Counters, private readonly pv: PvCosts) {}

  /** `n` hypercalls `op` entering Xen from `domain` ('guest' calls are hypervisor time; Dom0's are host) */
  call(op: string, mechanism: string, n = 1, extraCycles = 0, domain: CycleDomain = 'hypervisor'): void {
    this.counters.hypercall(op, n);
    this.counters.charge(domain, mechanism, this.pv.hypercallEntry * n + extraCycles);
  }
}
