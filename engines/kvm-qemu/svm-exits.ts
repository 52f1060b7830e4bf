// SVM exit codes as the kvm_exit tracepoint reports them on kvm_amd, named as the kernel's SVM_EXIT_REASONS
// table prints them (arch/x86/include/uapi/asm/svm.h), and mapped to the VMX reason the simulated `kvm`
// engine counts under, so the two can be compared reason by reason. Codes: AMD64 APM Vol. 2 (pub. 24593),
// Appendix C, Table C-1 "SVM Intercept Exit Codes".

interface SvmCode { svm: string; vmx: string }

const CODES: Record<number, SvmCode> = {
  0x60: { svm: 'intr', vmx: 'EXTERNAL_INTERRUPT' },
  0x61: { svm: 'nmi', vmx: 'EXCEPTION_NMI' },
  0x62: { svm: 'smi', vmx: 'SMI' },
  0x63: { svm: 'init', vmx: 'INIT_SIGNAL' },
  0x64: { svm: 'vintr', vmx: 'INTERRUPT_WINDOW' },
  0x6e: { svm: 'rdtsc', vmx: 'RDTSC' },
  0x6f: { svm: 'rdpmc', vmx: 'RDPMC' },
  0x72: { svm: 'cpuid', vmx: 'CPUID' },
  0x76: { svm: 'invd', vmx: 'INVD' },
  0x77: { svm: 'pause', vmx: 'PAUSE_INSTRUCTION' },
  0x78: { svm: 'hlt', vmx: 'HLT' },
  0x79: { svm: 'invlpg', vmx: 'INVLPG' },
  0x7b: { svm: 'io', vmx: 'IO_INSTRUCTION' },
  0x7c: { svm: 'msr', vmx: 'MSR' },
  0x7d: { svm: 'task_switch', vmx: 'TASK_SWITCH' },
  0x7f: { svm: 'shutdown', vmx: 'TRIPLE_FAULT' },
  0x81: { svm: 'vmmcall', vmx: 'VMCALL' },
  0x87: { svm: 'rdtscp', vmx: 'RDTSCP' },
  0x89: { svm: 'wbinvd', vmx: 'WBINVD' },
  0x8a: { svm: 'monitor', vmx: 'MONITOR_INSTRUCTION' },
  0x8b: { svm: 'mwait', vmx: 'MWAIT_INSTRUCTION' },
  0x8d: { svm: 'xsetbv', vmx: 'XSETBV' },
  0x400: { svm: 'npf', vmx: 'EPT_VIOLATION' },
  0x401: { svm: 'avic_incomplete_ipi', vmx: 'APIC_WRITE' },
  0x402: { svm: 'avic_unaccelerated_access', vmx: 'APIC_ACCESS' },
};

/** PFERR_RSVD_MASK (arch/x86/include/asm/kvm_host.h): KVM marks MMIO with reserved bits in the nested
 *  tables, so a reserved-bit #NPF is what EPT_MISCONFIG is on Intel */
const PFERR_RSVD = 0x8n;

export interface SvmExit {
  code: number;
  /** EXITINFO1, as the tracepoint's info1 */
  info1: bigint;
}

/** the kernel's name of an SVM exit */
export function svmName(e: SvmExit): string {
  if (e.code <= 0x0f) return `read_cr${e.code}`;
  if (e.code <= 0x1f) return `write_cr${e.code - 0x10}`;
  if (e.code <= 0x2f) return `read_dr${e.code - 0x20}`;
  if (e.code <= 0x3f) return `write_dr${e.code - 0x30}`;
  if (e.code <= 0x5f) return `excp_${(e.code - 0x40).toString(16)}`;
  return CODES[e.code]?.svm ?? `svm_0x${e.code.toString(16)}`;
}

/** the VMX reason the same event is counted under in the simulated `kvm` engine */
export function vmxReason(e: SvmExit): string {
  if (e.code <= 0x1f) return 'CR_ACCESS';
  if (e.code <= 0x3f) return 'DR_ACCESS';
  if (e.code <= 0x5f) return 'EXCEPTION_NMI';
  if (e.code === 0x7c) return e.info1 === 1n ? 'MSR_WRITE' : 'MSR_READ';
  if (e.code === 0x400) return e.info1 & PFERR_RSVD ? 'EPT_MISCONFIG' : 'EPT_VIOLATION';
  return CODES[e.code]?.vmx ?? svmName(e).toUpperCase();
}

export interface ExitHistogram {
  /** by VMX reason (the model's names) */
  byReason: Record<string, number>;
  /** by SVM name (perf kvm stat's names on AMD) */
  bySvm: Record<string, number>;
  total: number;
  /** events the histogram could not hold (its table was full): nonzero means the counts are short */
  dropped: number;
}

/**
 * The text of events/kvm/kvm_exit/hist for `hist:keys=exit_reason,info1`: one line per key,
 * `{ exit_reason: 1024, info1: 4294967303 } hitcount: 897`, then Totals with `Dropped:`.
 */
export function parseExitHistogram(text: string): ExitHistogram {
  const h: ExitHistogram = { byReason: {}, bySvm: {}, total: 0, dropped: 0 };
  for (const line of text.split('\n')) {
    const m = /^\{\s*exit_reason:\s*(\d+),\s*info1:\s*(\d+)\s*\}\s*hitcount:\s*(\d+)/.exec(line);
    if (m) {
      const e: SvmExit = { code: Number(m[1]), info1: BigInt(m[2]) };
      const n = Number(m[3]);
      h.byReason[vmxReason(e)] = (h.byReason[vmxReason(e)] ?? 0) + n;
      h.bySvm[svmName(e)] = (h.bySvm[svmName(e)] ?? 0) + n;
      h.total += n;
      continue;
    }
    const d = /^\s*Dropped:\s*(\d+)/.exec(line);
    if (d) h.dropped = Number(d[1]);
  }
  return h;
}

/** the guest's phase op is itself one port write to the VMM (IO_INSTRUCTION), in the histogram copied there */
export const PHASE_OP_EXITS: Readonly<Record<string, number>> = { IO_INSTRUCTION: 1 };

function minus(a: Record<string, number>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const n = (a[k] ?? 0) - (b[k] ?? 0);
    if (n) out[k] = n;
  }
  return out;
}

/**
 * L1's exits by phase: up to the phase op (the boot included, the phase op's own exit left out) and after it.
 * Without a copy at the phase op (a VMM that never reached it) everything is the measured phase's.
 */
export interface L1Phases { setupByReason: Record<string, number>; measuredByReason: Record<string, number> }

export function l1Phases(whole: ExitHistogram, setup: ExitHistogram | null): L1Phases {
  if (!setup) return { setupByReason: {}, measuredByReason: { ...whole.byReason } };
  return { setupByReason: minus(setup.byReason, PHASE_OP_EXITS), measuredByReason: minus(whole.byReason, setup.byReason) };
}
