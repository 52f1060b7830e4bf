// What makes `kvm-qemu:guest=linux` (Debian's kernel as L2 under QEMU -cpu host in L1, the op-runner in it)
// differ from the model, found on runs of the op-runner's ipi op (200 wake-ups of a helper thread on vCPU 1),
// with the MSR each write exit wrote (L1's kvm_msr tracepoint, measured.l1Exits.msrWrites). Only causes seen
// on those runs are named.
import type { RunResult } from '../../harness/results.ts';

const X2APIC_ICR = '0x830';
const X2APIC_EOI = '0x80b';
const TSC_DEADLINE = '0x6e0';

/** the op kinds L2's op-runner ran (not skipped) */
function ranOps(run: RunResult): Set<string> {
  const ops = run.measured?.ops;
  return new Set(Array.isArray(ops) ? ops.filter((o) => o?.status === 'ok').map((o) => String(o.op)) : []);
}

type ByVcpu = Record<string, number>;

function msrWrites(run: RunResult): Record<string, ByVcpu> {
  const w = (run.measured?.l1Exits as { msrWrites?: unknown } | undefined)?.msrWrites;
  return w && typeof w === 'object' ? w as Record<string, ByVcpu> : {};
}

const n = (v: number) => v.toLocaleString('en-US');
const total = (by: ByVcpu | undefined) => Object.values(by ?? {}).reduce((a, b) => a + b, 0);
const perVcpu = (by: ByVcpu) => Object.entries(by).sort(([a], [b]) => Number(a) - Number(b)).map(([v, c]) => `${n(c)} on vCPU ${v}`).join(', ');

/** Linux keeps a single-destination IPI off KVM's PV send-IPI hypercall */
const SINGLE_DESTINATION = "Linux sends an IPI to one CPU (the futex wake-up of the helper on vCPU 1) through apic->send_IPI, an x2APIC ICR write: kvm_setup_pv_ipi (arch/x86/kernel/kvm.c) routes only send_IPI_mask and send_IPI_mask_allbutself to KVM_HC_SEND_IPI, though L2 has KVM's PV features (QEMU -cpu host passes CPUID 0x40000001; its EOIs go through PV EOI)";

function msrWriteReason(run: RunResult): string | null {
  const w = msrWrites(run);
  if (!Object.keys(w).length) return null;
  const parts: string[] = [];
  if (w[X2APIC_ICR]) parts.push(`${n(total(w[X2APIC_ICR]))} are x2APIC ICR writes (MSR 0x830; ${perVcpu(w[X2APIC_ICR])}): ${SINGLE_DESTINATION}`);
  if (w[TSC_DEADLINE]) parts.push(`${n(total(w[TSC_DEADLINE]))} are IA32_TSC_DEADLINE writes (${perVcpu(w[TSC_DEADLINE])}): the busy vCPU's tick re-armed per 4 ms of wall-clock time, which the emulated guest takes far more of, and the idle vCPU's tick stopped at each idle entry and restarted at each wake-up (kernel/time/tick-sched.c, NO_HZ idle)`);
  if (w[X2APIC_EOI]) parts.push(`${n(total(w[X2APIC_EOI]))} are EOIs written to the x2APIC (${perVcpu(w[X2APIC_EOI])}) because KVM had not set the PV EOI flag (another interrupt was pending: apic_sync_pv_eoi_to_guest)`);
  const other = Object.entries(w).filter(([msr]) => ![X2APIC_ICR, TSC_DEADLINE, X2APIC_EOI].includes(msr));
  if (other.length) return null;
  return parts.join('; ');
}

export function explainLinuxL2(reason: string, run: RunResult): string | null {
  const ran = ranOps(run);
  if (!ran.has('ipi')) return null;
  if (reason === 'VMCALL') return SINGLE_DESTINATION;
  if (reason === 'MSR_WRITE') return msrWriteReason(run);
  if (reason === 'HLT') {
    return "L2's vCPU 1 halts after each wake-up as the model's does, and also wakes for its own timers and for interrupts that arrive per unit of wall-clock time, of which the emulated guest takes far more";
  }
  if (reason === 'INTERRUPT_WINDOW') {
    // SVM without vGIF/AVIC: an interrupt for a vCPU with IF=0 waits for a VINTR intercept (svm_enable_irq_window)
    return 'a tick or IPI that reaches a vCPU while Linux runs with interrupts disabled (the idle loop up to the STI before its HLT, the wake-up path, interrupt handlers) waits for an interrupt window; the emulated guest spends far longer in those sections';
  }
  return null;
}
