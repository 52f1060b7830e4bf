// One VM exit and re-entry, by VMX exit-reason name as `perf kvm stat` and xenalyze show it. Exits handled inside
// the hypervisor cost the round trip plus the reason's handler; exits forwarded to the user-space device model
// cost that plus the forwarding (cycles: `host`), which is the hypervisor's own (`handlers`: KVM_RUN returning to
// QEMU, or Xen's ioreq to QEMU in Dom0). Without VPID every VM entry flushes the whole TLB (Intel SDM Vol. 3
// §29.4.3.1; Mmu.vmExitEntry).
import type { VmxExitHandlers } from '../types.ts';
import type { Counters } from '../machine/counters.ts';
import type { HvmCosts } from '../machine/profile.ts';
import type { Machine } from '../machine/machine.ts';

export class VmExits {
  constructor(
    private readonly counters: Counters,
    private readonly hvm: HvmCosts,
    /** exits and entries are the current vCPU's */
    private readonly machine: Machine,
    private readonly handlers: VmxExitHandlers,
  ) {}

  /** `n` exits for `reason` handled in the kernel; the handler's work is charged under `mechanism` */
  inKernel(reason: string, n: number, mechanism = `exit:${reason}`, handlerCycles = this.handler(reason)): void {
    if (n === 0) return;
    const c = this.counters;
    c.exit(reason, n);
    c.event('exitsInKernel', n);
    c.charge('hypervisor', `exit:${reason}`, this.hvm.exitRoundTrip * n);
    c.charge('hypervisor', mechanism, handlerCycles * n);
    this.machine.current.vmExitEntry(n);
  }

  /** `n` exits forwarded to the user-space device model, each doing `deviceWork` cycles there */
  toUserSpace(reason: string, n: number, deviceWork: number): void {
    if (n === 0) return;
    const c = this.counters;
    c.exit(reason, n);
    c.event('exitsToUser', n);
    c.charge('hypervisor', `exit:${reason}`, (this.hvm.exitRoundTrip + this.handler(reason)) * n);
    this.handlers.forward(reason, n, deviceWork);
    this.machine.current.vmExitEntry(n);
  }

  handler(reason: string): number {
    return this.handlers.handler(reason);
  }
}
