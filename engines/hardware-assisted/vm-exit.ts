// One VM exit and re-entry, by VMX exit-reason name as `perf kvm stat` shows it. Exits handled inside KVM cost
// the round trip plus the reason's handler; exits forwarded to the user-space device model (KVM_RUN returns to
// QEMU) cost the ioctl return and re-entry on top, plus the device model's own work (cycles: `host`). Without
// VPID every VM entry flushes the whole TLB (Intel SDM Vol. 3 §29.4.3.1; Mmu.vmExitEntry).
import type { Counters } from '../machine/counters.ts';
import type { HvmCosts } from '../machine/profile.ts';
import type { Machine } from '../machine/machine.ts';

export class VmExits {
  constructor(
    private readonly counters: Counters,
    private readonly hvm: HvmCosts,
    /** exits and entries are the current vCPU's */
    private readonly machine: Machine,
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
    c.charge('host', 'device-model', (this.hvm.userExitExtra + deviceWork) * n);
    this.machine.current.vmExitEntry(n);
  }

  handler(reason: string): number {
    return this.hvm.exitHandler[reason] ?? this.hvm.exitHandler.default;
  }
}
