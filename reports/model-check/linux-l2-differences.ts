// What makes `kvm-qemu:guest=linux` (Debian's kernel as L2 under QEMU -cpu host in L1, the op-runner in it)
// differ from the model, found on runs of the op-runner's ipi op (200 wake-ups of a helper thread on vCPU 1)
// and shootdown op (3 munmaps while the helper spins on vCPU 1), with the MSR each write exit wrote and the
// port each IOIO exit used (L1's kvm_msr tracepoint and EXITINFO1: measured.l1Exits.msrWrites, ioPorts). Only
// causes seen on those runs are named.
import type { RunResult } from '../../harness/results.ts';

const X2APIC_ICR = '0x830';
const X2APIC_EOI = '0x80b';
const TSC_DEADLINE = '0x6e0';

type ByVcpu = Record<string, number>;

/** one operation as l2-counters.ts records it */
interface L2Op { op?: string; status?: string; cpu?: number; exits?: Record<string, number>; msrWrites?: Record<string, ByVcpu>; icrVectors?: Record<string, ByVcpu>; icrVectorsInUnmap?: Record<string, ByVcpu> }

function l2Ops(run: RunResult): L2Op[] {
  return Array.isArray(run.measured?.ops) ? run.measured.ops as L2Op[] : [];
}

/** the op kinds L2's op-runner ran (not skipped) */
function ranOps(run: RunResult): Set<string> {
  return new Set(l2Ops(run).filter((o) => o?.status === 'ok').map((o) => String(o.op)));
}

/** touches that ran on a helper thread's vCPU (op-runner/smp.c smp_touch) */
const helperTouches = (run: RunResult) => l2Ops(run).filter((o) => o.op === 'touch' && o.status === 'ok' && (o.cpu ?? 0) > 0);

/** Linux's IPI vectors (arch/x86/include/asm/irq_vectors.h) */
const VECTOR_NAMES: Record<string, string> = { '0xfb': 'CALL_FUNCTION_SINGLE', '0xfc': 'CALL_FUNCTION', '0xfd': 'RESCHEDULE' };

/** ICR writes of some ops by vector, summed over vCPUs */
function icrByVector(ops: L2Op[], field: 'icrVectors' | 'icrVectorsInUnmap'): Record<string, number> {
  const by: Record<string, number> = {};
  for (const o of ops) for (const [vector, v] of Object.entries(o[field] ?? {})) by[vector] = (by[vector] ?? 0) + total(v);
  return by;
}
const vectorList = (by: Record<string, number>) =>
  Object.entries(by).sort(([a], [b]) => a.localeCompare(b)).map(([v, c]) => `${n(c)} ${VECTOR_NAMES[v] ?? 'vector'} (${v})`).join(', ');
const sum = (by: Record<string, number>) => Object.values(by).reduce((a, b) => a + b, 0);

function msrWrites(run: RunResult): Record<string, ByVcpu> {
  const w = (run.measured?.l1Exits as { msrWrites?: unknown } | undefined)?.msrWrites;
  return w && typeof w === 'object' ? w as Record<string, ByVcpu> : {};
}

const n = (v: number) => v.toLocaleString('en-US');
const total = (by: ByVcpu | undefined) => Object.values(by ?? {}).reduce((a, b) => a + b, 0);
const perVcpu = (by: ByVcpu) => Object.entries(by).sort(([a], [b]) => Number(a) - Number(b)).map(([v, c]) => `${n(c)} on vCPU ${v}`).join(', ');

/** the MSR writes that differ for a stated cause; the x2APIC ICR writes are the single-destination IPIs the
 *  model sends as Linux does (kvm-platform.ts sendToOthers), so they name none but those of touches on other
 *  vCPUs and of shootdowns, which the model's running threads do not need */
function msrWriteReason(run: RunResult, shootdownNoIpi: boolean): string | null {
  const w = msrWrites(run);
  const parts: string[] = [];
  if (shootdownNoIpi) parts.push(`the model's flush IPIs are ICR writes to a running vCPU, while in the measured guest ${PV_TLB_FLUSH}`);
  const wakeups = helperWakeups(run);
  if (wakeups) parts.push(wakeups);
  const shootdowns = shootdownIcr(run);
  if (shootdowns) parts.push(shootdowns);
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
  return l2Ops(run).filter((o) => o.op === 'shootdown').reduce((a, o) => a + total(o.msrWrites?.[X2APIC_ICR]), 0);
}

/** the ICR writes of touches on helper vCPUs, seen on memory/threads-shootdown: every touch on vCPU 2 or 3 and
 *  355 of 400 on vCPU 1 had one or more from vCPU 0, the 400 touches on vCPU 0 54 in all */
function helperWakeups(run: RunResult): string | null {
  const touches = helperTouches(run);
  const by = icrByVector(touches, 'icrVectors');
  if (!sum(by)) return null;
  return `${n(sum(by))} are ICR writes inside the ${n(touches.length)} touches run on other vCPUs (${vectorList(by)}): each wakes the op-runner's helper thread sleeping on that vCPU (a FUTEX_WAKE of a task on an idle CPU is an IPI to it, kernel/sched/core.c ttwu_queue_wakelist), where the model's threads keep running`;
}

/** a shootdown's ICR writes, split at its munmap (the op-runner's KVM_MARKER_UNMAP brackets) */
function shootdownIcr(run: RunResult): string | null {
  const shootdowns = l2Ops(run).filter((o) => o.op === 'shootdown' && o.status === 'ok');
  if (!shootdowns.length || !shootdowns.every((o) => o.icrVectorsInUnmap)) return null;
  const all = icrByVector(shootdowns, 'icrVectors');
  const inUnmap = icrByVector(shootdowns, 'icrVectorsInUnmap');
  const before = Object.fromEntries(Object.entries(all).map(([v, c]) => [v, c - (inUnmap[v] ?? 0)]).filter(([, c]) => (c as number) > 0));
  if (!sum(all)) return null;
  const parts: string[] = [];
  if (sum(before)) parts.push(`${n(sum(before))} before the munmap (${vectorList(before)}), while the runner wakes its helpers to spin on their vCPUs (a FUTEX_WAKE each; the model's threads run already)`);
  if (sum(inUnmap)) parts.push(`${n(sum(inUnmap))} during it (${vectorList(inUnmap)}; Linux sends a flush to one CPU as CALL_FUNCTION_SINGLE, kernel/smp.c smp_call_function_many_cond)`);
  return `${n(sum(all))} are ICR writes inside the ${n(shootdowns.length)} shootdowns: ${parts.join(', and ')}`;
}

/** the munmaps of shootdowns that sent no IPI (no ICR write between the op-runner's unmap markers) while the
 *  helpers spun in the mm; seen on memory/munmap-shootdown (4 vCPUs): 470 of 500, the other 30 wrote 42 */
function unmapsWithoutIpi(run: RunResult): string | null {
  const shootdowns = l2Ops(run).filter((o) => o.op === 'shootdown' && o.status === 'ok');
  if (!shootdowns.length || !shootdowns.every((o) => o.icrVectorsInUnmap)) return null;
  const during = shootdowns.map((o) => sum(icrByVector([o], 'icrVectorsInUnmap')));
  const none = during.filter((c) => c === 0).length;
  if (none * 2 < shootdowns.length) return null;
  const vmcalls = shootdowns.reduce((a, o) => a + (o.exits?.VMCALL ?? 0), 0);
  return `${n(none)} of ${n(shootdowns.length)} munmaps sent no IPI at all (no ICR write during the munmap; ${n(during.reduce((a, b) => a + b, 0))} in the other ${n(shootdowns.length - none)}, and ${n(vmcalls)} VMCALLs in all the shootdowns) though the helpers were spinning in the mm: L1 has one CPU for L2's vCPUs, so the helpers' vCPUs are preempted while vCPU 0 unmaps, and Linux's kvm_flush_tlb_multi (arch/x86/kernel/kvm.c) sets KVM_VCPU_FLUSH_TLB in their steal-time areas instead, for KVM to flush at their next entry; that is the model's kvm:hostcpus=1`;
}

/** memory/threads-shootdown's munmaps (op 'unmap' after touches on helper vCPUs): the IPIs and VMCALLs they made */
function idleHelpersReason(run: RunResult): string | null {
  if (!helperTouches(run).length) return null;
  const unmaps = l2Ops(run).filter((o) => o.op === 'unmap' && o.status === 'ok');
  if (!unmaps.length) return null;
  const icr = unmaps.map((o) => total(o.msrWrites?.[X2APIC_ICR]));
  const vmcalls = unmaps.reduce((a, o) => a + (o.exits?.VMCALL ?? 0), 0);
  return `the model's threads keep running on their vCPUs, so each munmap flushes them with one KVM_HC_SEND_IPI; the op-runner's helpers sleep between their touches, so at a munmap their vCPUs idle in lazy TLB mode, which Linux's flush leaves out unless page tables were freed (arch/x86/mm/tlb.c native_flush_tlb_multi, tlb_is_not_lazy): of ${n(unmaps.length)} munmaps ${n(icr.filter((c) => c > 0).length)} wrote an ICR (${n(icr.reduce((a, b) => a + b, 0))} writes), and they made ${n(vmcalls)} VMCALLs`;
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
  const threads = helperTouches(run).length > 0;
  if (!ipi && !shootdown && !threads) return null;
  const shootdownNoIpi = shootdown && shootdownIcrWrites(run) === 0;
  // a flush the model sends to two or more vCPUs is one KVM_HC_SEND_IPI
  if (reason === 'VMCALL') return shootdownNoIpi ? PV_TLB_FLUSH : shootdown ? unmapsWithoutIpi(run) : idleHelpersReason(run);
  if (reason === 'MSR_WRITE') return msrWriteReason(run, shootdownNoIpi);
  if (reason === 'HLT') {
    if (threads) return "the vCPUs of L2's helper threads idle in HLT between their touches and halt again after each (the model's threads keep running), and also wake for their own timers and for interrupts that arrive per unit of wall-clock time, of which the emulated guest takes far more";
    return "L2's vCPU 1 idles in HLT between the helper's requests and halts again after each (the model's other thread keeps running), and also wakes for its own timers and for interrupts that arrive per unit of wall-clock time, of which the emulated guest takes far more";
  }
  if (reason === 'INTERRUPT_WINDOW') {
    // SVM without vGIF/AVIC: an interrupt for a vCPU with IF=0 waits for a VINTR intercept (svm_enable_irq_window)
    return 'a tick or IPI that reaches a vCPU while Linux runs with interrupts disabled (the idle loop up to the STI before its HLT, the wake-up path, interrupt handlers) waits for an interrupt window; the emulated guest spends far longer in those sections';
  }
  return null;
}
