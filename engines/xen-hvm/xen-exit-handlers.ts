// Xen's side of a VM exit of an HVM / PVH guest: vmx_vmexit_handler (xen/arch/x86/hvm/vmx/vmx.c) dispatches on
// the exit reason inside Xen; an access to an emulated device QEMU owns is forwarded as an ioreq to QEMU in
// Dom0 (ioreq.ts). No per-handler cycle count is published for Xen, so each figure below is an estimate of the
// handler's work, named by the Xen function it runs; the VMX transition itself is the profile's
// (hvm.exitRoundTrip), the same hardware under either hypervisor. Names are VMX's, as xenalyze prints them
// (tools/xentrace/xenalyze.c hvm_vmx_exit_reason_name).
import type { VmxExitHandlers } from '../types.ts';
import type { IoreqChannel } from './ioreq.ts';

/** handler cycles per exit reason after the VMX round trip */
export const XEN_EXIT_HANDLER: Readonly<Record<string, number>> = {
  // estimate: vmx_vmexit_handler's common path (vmx_vmexit_handler's prologue, TRACE, the switch) plus a few
  // hundred cycles of handling, a little above KVM's dispatch through kvm_vmx_exit_handlers
  default: 400,
  // estimate: vmx_cpuid_intercept → guest_cpuid, a lookup in the domain's cpu_policy plus the Xen/Viridian leaves
  CPUID: 300,
  // estimate: vmx_vmexit_handler's HLT case → hvm_hlt → vcpu_block_unless_event_pending: the pending-event check
  // and the scheduler's block
  HLT: 300,
  // estimate: the IO_INSTRUCTION case → handle_pio → hvmemul_do_pio_buffer → hvmemul_do_io: an ioreq built and
  // hvm_io_intercept's walk over the domain's port handlers; completion (handle_hvm_io_completion) included
  IO_INSTRUCTION: 800,
  // estimate: hvm_msr_read_intercept's switch
  MSR_READ: 300,
  // estimate: hvm_msr_write_intercept → guest_wrmsr / vlapic_msr_set (x2APIC ICR: vlapic_ipi; TSC deadline:
  // vlapic_tdt_msr_set, a Xen timer armed)
  MSR_WRITE: 500,
  // estimate: vmx_do_extint → do_IRQ's dispatch of the physical vector; the handler's own work is charged apart
  EXTERNAL_INTERRUPT: 400,
  // estimate: hvm_hypercall: mode check and dispatch through hvm_hypercall_table; the hypercall's work apart
  VMCALL: 400,
  // estimate: ept_handle_violation → hvm_hap_nested_page_fault on a p2m_mmio_dm page → handle_mmio →
  // hvm_emulate_one: the full x86_emulate decode of the faulting instruction (PoD population is charged apart)
  EPT_VIOLATION: 2000,
  // estimate: ept_handle_misconfig → resolve_misconfig, one entry's type recalculated
  EPT_MISCONFIG: 600,
  // estimate: vmx_vmexit_handler's APIC_ACCESS case → hvm_emulate_one on the xAPIC page, a full decode
  APIC_ACCESS: 2000,
  // estimate: vmx_cr_access → hvm_mov_to_cr
  CR_ACCESS: 500,
  // estimate: vmx_vmexit_handler's exception dispatch and hvm_inject_hw_exception
  EXCEPTION_NMI: 500,
};

/** Xen's exit handlers; `ioreq`: the channel to QEMU in Dom0 (HVM), or null where no device model exists (PVH) */
export function xenExitHandlers(ioreq: IoreqChannel | null): VmxExitHandlers {
  return {
    handler: (reason) => XEN_EXIT_HANDLER[reason] ?? XEN_EXIT_HANDLER.default,
    forward: (reason, n, deviceWork) => {
      if (ioreq === null) throw new Error(`xen: a ${reason} exit forwarded to a device model, which a PVH domain has none of`);
      ioreq.roundTrips(n, deviceWork);
    },
  };
}
