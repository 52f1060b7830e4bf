// A guest's write to one of its local APIC's registers under VT-x, in the APIC mode the guest runs in
// (docs/architecture.md#kvm): which exit it causes, if any.
// - x2APIC: the register is MSR 0x800 + offset / 16 (Intel SDM Vol. 3 §10.12.1.2) and the MSR bitmap decides
//   (msr-bitmap.ts): with APICv TPR, EOI and SELF_IPI writes are virtualized, ICR and TMICT writes exit.
// - xAPIC: the register is memory at 0xfee00000 + offset. KVM maps its APIC-access page there and sets
//   "virtualize APIC accesses" (vmx_set_virtual_apic_mode, flexpriority). With APIC-register virtualization and
//   virtual-interrupt delivery (APICv) an EOI write is virtualized and a write to any other register completes
//   into the virtual-APIC page and then exits trap-like with APIC_WRITE (SDM Vol. 3C §29.4.3.2 "APIC-Write
//   Emulation"; KVM's handle_apic_write → kvm_apic_write_nodecode, no decode). Without APICv every access is a
//   fault-like APIC_ACCESS exit that KVM emulates (handle_apic_access → kvm_emulate_instruction), except a MOV
//   to EOI, which it short-circuits without decoding ("Sane guest uses MOV to write EOI": kvm_lapic_set_eoi and
//   skip the instruction, arch/x86/kvm/vmx/vmx.c). xAPIC has no SELF_IPI register: Linux's xAPIC self-IPI is an
//   ICR write with the self shorthand (__default_send_IPI_shortcut), which no APICv virtualizes.
import { msrExits, X2APIC_EOI, X2APIC_ICR, X2APIC_SELF_IPI, X2APIC_TMICT } from './msr-bitmap.ts';

export type ApicMode = 'x2apic' | 'xapic';
export type ApicRegister = 'eoi' | 'icr' | 'self-ipi' | 'tmict';
export type ApicWriteExit = 'none' | 'MSR_WRITE' | 'APIC_WRITE' | 'APIC_ACCESS';

const X2APIC_MSR: Record<ApicRegister, number> = { eoi: X2APIC_EOI, icr: X2APIC_ICR, 'self-ipi': X2APIC_SELF_IPI, tmict: X2APIC_TMICT };

export function apicWriteExit(reg: ApicRegister, mode: ApicMode, apicv: boolean): ApicWriteExit {
  if (mode === 'x2apic') return msrExits(X2APIC_MSR[reg], true, apicv) ? 'MSR_WRITE' : 'none';
  if (!apicv) return 'APIC_ACCESS';
  return reg === 'eoi' ? 'none' : 'APIC_WRITE';
}
