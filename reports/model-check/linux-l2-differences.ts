// What makes `kvm-qemu:guest=linux` (Debian's kernel as L2 under QEMU -cpu host in L1, the op-runner in it)
// differ from the model, found on runs of the op-runner's ipi op (200 wake-ups of a helper thread on vCPU 1)
// and shootdown op (3 munmaps while the helper spins on vCPU 1), with the MSR each write exit wrote and the
// port each IOIO exit used (L1's kvm_msr tracepoint and EXITINFO1: measured.l1Exits.msrWrites, ioPorts). Only
// causes seen on those runs are named.
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

/** the MSR writes that differ for a stated cause; the x2APIC ICR writes are the single-destination IPIs the
 *  model sends as Linux does (kvm-platform.ts sendToOthers), so they name none */
function msrWriteReason(run: RunResult, shootdownNoIpi: boolean): string | null {
  const w = msrWrites(run);
  const parts: string[] = [];
  if (shootdownNoIpi) parts.push(`the model's flush IPIs are ICR writes to a running vCPU, while in the measured guest ${PV_TLB_FLUSH}`);
  if (w[TSC_DEADLINE]) parts.push(`${n(total(w[TSC_DEADLINE]))} are IA32_TSC_DEADLINE writes (${perVcpu(w[TSC_DEADLINE])}): the busy vCPU's tick re-armed per 4 ms of wall-clock time, which the emulated guest takes far more of, and the idle vCPU's tick stopped at each idle entry and restarted at each wake-up (kernel/time/tick-sched.c, NO_HZ idle)`);
  if (w[X2APIC_EOI]) parts.push(`${n(total(w[X2APIC_EOI]))} are EOIs written to the x2APIC (${perVcpu(w[X2APIC_EOI])}) because KVM had not set the PV EOI flag (another interrupt was pending: apic_sync_pv_eoi_to_guest)`);
  const other = Object.entries(w).filter(([msr]) => ![X2APIC_ICR, TSC_DEADLINE, X2APIC_EOI].includes(msr));
  if (other.length || !parts.length) return null;
  return parts.join('; ');
}

/** the 16550 UART's registers at COM1 (0x3f8 data, 0x3f9 IER, 0x3fa IIR, 0x3fd LSR, 0x3fe MSR) */
const COM1 = (port: string) => Number(port) >= 0x3f8 && Number(port) <= 0x3ff;

function ioPorts(run: RunResult): Record<string, number> {
  const p = (run.measured?.l1Exits as { ioPorts?: unknown } | undefined)?.ioPorts;
  return p && typeof p === 'object' ? p as Record<string, number> : {};
}

/** a shootdown op's ICR writes: none means no flush IPI was sent */
function shootdownIcrWrites(run: RunResult): number {
  const ops = Array.isArray(run.measured?.ops) ? run.measured.ops as Array<{ op?: string; msrWrites?: Record<string, ByVcpu> }> : [];
  return ops.filter((o) => o.op === 'shootdown').reduce((a, o) => a + total(o.msrWrites?.[X2APIC_ICR]), 0);
}

const PV_TLB_FLUSH = "no flush IPI was sent (no ICR write in any shootdown): L1 has one CPU for L2's two vCPUs, so while vCPU 0 unmaps, vCPU 1 is preempted, and Linux's kvm_flush_tlb_multi (arch/x86/kernel/kvm.c) sets KVM_VCPU_FLUSH_TLB in its steal-time area instead, for KVM to flush at its next entry; that is the model's kvm:hostcpus=1";

export function explainLinuxL2(reason: string, run: RunResult): string | null {
  const ran = ranOps(run);
  if (reason === 'IO_INSTRUCTION') {
    const ports = Object.keys(ioPorts(run));
    // the runner's lines go to L2's console, and the 8250 driver sends them on by its transmit interrupt
    if (ports.length && ports.every(COM1)) return "L2's console is COM1: each line the op-runner prints leaves through the 8250 driver's transmit interrupt, a port access per byte and register (0x3f8-0x3fe), while the next operations run";
    return null;
  }
  const ipi = ran.has('ipi');
  const shootdown = ran.has('shootdown');
  if (!ipi && !shootdown) return null;
  const shootdownNoIpi = shootdown && shootdownIcrWrites(run) === 0;
  // a flush the model sends to two or more vCPUs is one KVM_HC_SEND_IPI
  if (reason === 'VMCALL') return shootdownNoIpi ? PV_TLB_FLUSH : null;
  if (reason === 'MSR_WRITE') return msrWriteReason(run, shootdownNoIpi);
  if (reason === 'HLT') {
    return "L2's vCPU 1 idles in HLT between the helper's requests and halts again after each (the model's other thread keeps running), and also wakes for its own timers and for interrupts that arrive per unit of wall-clock time, of which the emulated guest takes far more";
  }
  if (reason === 'INTERRUPT_WINDOW') {
    // SVM without vGIF/AVIC: an interrupt for a vCPU with IF=0 waits for a VINTR intercept (svm_enable_irq_window)
    return 'a tick or IPI that reaches a vCPU while Linux runs with interrupts disabled (the idle loop up to the STI before its HLT, the wake-up path, interrupt handlers) waits for an interrupt window; the emulated guest spends far longer in those sections';
  }
  return null;
}
