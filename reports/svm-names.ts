// The SVM name beside each VMX exit reason, for results from an AMD profile (docs/architecture.md#exit-and-hypercall-tables): the name `perf kvm
// stat` prints on an AMD host next to the #VMEXIT code of AMD64 Architecture Programmer's Manual Vol. 2
// (pub. 24593), §15 "Secure Virtual Machine" — exit codes listed in Appendix C, Table C-1 "SVM Intercept Exit
// Codes"; nested page faults in §15.25.6, AVIC exits in §15.29. VMX reasons without an SVM counterpart
// (PREEMPTION_TIMER: KVM on AMD uses a host hrtimer) have no entry and are shown without one.

export interface SvmExit {
  /** short name, as perf kvm stat / the kernel's SVM_EXIT_REASONS print it (io, msr, npf, …) */
  name: string;
  /** the APM's #VMEXIT mnemonic and code */
  code: string;
}

export const SVM_EXITS: Readonly<Record<string, SvmExit>> = {
  EXCEPTION_NMI: { name: 'excp / nmi', code: 'VMEXIT_EXCP0–31 0x40–0x5F, VMEXIT_NMI 0x61' },
  EXTERNAL_INTERRUPT: { name: 'intr', code: 'VMEXIT_INTR 0x60' },
  INTERRUPT_WINDOW: { name: 'vintr', code: 'VMEXIT_VINTR 0x64' },
  CR_ACCESS: { name: 'cr_read / cr_write', code: 'VMEXIT_CR0–15_READ 0x00–0x0F, _WRITE 0x10–0x1F' },
  RDTSC: { name: 'rdtsc', code: 'VMEXIT_RDTSC 0x6E' },
  RDPMC: { name: 'rdpmc', code: 'VMEXIT_RDPMC 0x6F' },
  CPUID: { name: 'cpuid', code: 'VMEXIT_CPUID 0x72' },
  INVD: { name: 'invd', code: 'VMEXIT_INVD 0x76' },
  PAUSE_INSTRUCTION: { name: 'pause', code: 'VMEXIT_PAUSE 0x77' },
  HLT: { name: 'hlt', code: 'VMEXIT_HLT 0x78' },
  INVLPG: { name: 'invlpg', code: 'VMEXIT_INVLPG 0x79' },
  IO_INSTRUCTION: { name: 'io', code: 'VMEXIT_IOIO 0x7B' },
  MSR_READ: { name: 'msr', code: 'VMEXIT_MSR 0x7C (EXITINFO1 = 0)' },
  MSR_WRITE: { name: 'msr', code: 'VMEXIT_MSR 0x7C (EXITINFO1 = 1)' },
  TASK_SWITCH: { name: 'task_switch', code: 'VMEXIT_TASK_SWITCH 0x7D' },
  TRIPLE_FAULT: { name: 'shutdown', code: 'VMEXIT_SHUTDOWN 0x7F' },
  VMCALL: { name: 'vmmcall', code: 'VMEXIT_VMMCALL 0x81' },
  XSETBV: { name: 'xsetbv', code: 'VMEXIT_XSETBV 0x8D' },
  EPT_VIOLATION: { name: 'npf', code: 'VMEXIT_NPF 0x400' },
  // KVM marks MMIO with reserved bits in the nested tables on both vendors: a reserved-bit #NPF
  EPT_MISCONFIG: { name: 'npf', code: 'VMEXIT_NPF 0x400 (reserved bit: MMIO)' },
  APIC_ACCESS: { name: 'avic_noaccel', code: 'VMEXIT_AVIC_NOACCEL 0x402' },
  APIC_WRITE: { name: 'avic_noaccel', code: 'VMEXIT_AVIC_NOACCEL 0x402 (trap)' },
  EOI_INDUCED: { name: 'avic_noaccel', code: 'VMEXIT_AVIC_NOACCEL 0x402 (level-triggered EOI)' },
};

/** the SVM exit for a VMX reason name, or null when there is none */
export function svmExit(vmxReason: string): SvmExit | null {
  return Object.hasOwn(SVM_EXITS, vmxReason) ? SVM_EXITS[vmxReason] : null;
}
