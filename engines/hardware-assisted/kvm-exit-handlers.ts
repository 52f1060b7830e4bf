// KVM's side of a VM exit: the handler work per reason from the profile (arch/x86/kvm/vmx/vmx.c
// kvm_vmx_exit_handlers), and forwarding to QEMU as KVM_RUN returning to user space in the same process — the
// ioctl return and re-entry (hvm.userExitExtra) plus QEMU's emulation, charged as host work.
import type { VmxExitHandlers } from '../types.ts';
import type { Counters } from '../machine/counters.ts';
import type { HvmCosts } from '../machine/profile.ts';

export function kvmExitHandlers(counters: Counters, hvm: HvmCosts): VmxExitHandlers {
  return {
    handler: (reason) => hvm.exitHandler[reason] ?? hvm.exitHandler.default,
    forward: (_reason, n, deviceWork) => counters.charge('host', 'device-model', (hvm.userExitExtra + deviceWork) * n),
  };
}
