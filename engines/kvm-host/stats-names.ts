// Names: the exit reasons the VMM sees (kvm_run.exit_reason, KVM_EXIT_* without the prefix) next to the VMX
// names the simulated `kvm` engine counts under and the SVM names an AMD reader knows (docs/architecture.md#counters, docs/architecture.md#exit-and-hypercall-tables). Only
// exits that reach user space are here; exits KVM handles itself show up in the binary stats, whose names
// come from the kernel's descriptors and are passed through unchanged.

interface ExitName { vmx: string; svm: string }

const EXIT_NAMES: Record<string, ExitName> = {
  IO: { vmx: 'IO_INSTRUCTION', svm: 'ioio' },
  // an access to guest-physical memory with no slot: EPT_MISCONFIG on an EPT host once KVM caches it as MMIO
  MMIO: { vmx: 'EPT_MISCONFIG', svm: 'npf' },
  HLT: { vmx: 'HLT', svm: 'hlt' },
  X86_RDMSR: { vmx: 'MSR_READ', svm: 'msr' },
  X86_WRMSR: { vmx: 'MSR_WRITE', svm: 'msr' },
  HYPERCALL: { vmx: 'VMCALL', svm: 'vmmcall' },
  SHUTDOWN: { vmx: 'TRIPLE_FAULT', svm: 'shutdown' },
  INTR: { vmx: 'EXTERNAL_INTERRUPT', svm: 'intr' },
};

/** the VMX name a VMM-seen exit is counted under in RunCounters.exits.byReason */
export function vmxName(kvmExit: string): string {
  return EXIT_NAMES[kvmExit]?.vmx ?? `KVM_EXIT_${kvmExit}`;
}

export function svmName(kvmExit: string): string {
  return EXIT_NAMES[kvmExit]?.svm ?? `KVM_EXIT_${kvmExit}`;
}
