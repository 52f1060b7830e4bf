// What is known to make a measured exit count differ from the model's, by exit reason and what the run
// says about itself. Only causes found on real runs are here; anything else is left unexplained in the
// report, which is the point: an unexplained difference is the model's to look into.
import type { RunResult } from '../../harness/results.ts';
import { explainLinuxL2 } from './linux-l2-differences.ts';

/** the op kinds the measured guest ran (to-counters.ts keeps their costs by kind) */
function ranOps(run: RunResult): Set<string> {
  const costs = run.measured?.opCosts;
  return new Set(costs && typeof costs === 'object' ? Object.keys(costs) : []);
}

/** the freestanding guest's virtio batches and its HLTs waiting for them, when it halted for fewer than all */
function virtioHalts(run: RunResult): { halted: number; batches: number } | null {
  const m = run.measured as { io?: unknown; guest?: { virtioHalts?: unknown }; devices?: { virtioIrqs?: unknown; virtioIrqsSuppressed?: unknown } } | undefined;
  if (m?.io !== 'virtio' || !ranOps(run).has('io')) return null;
  const halted = Number(m.guest?.virtioHalts ?? NaN);
  // each batch is one publication by the device: an interrupt raised, or one used_event suppressed
  const batches = Number(m.devices?.virtioIrqs ?? NaN) + Number(m.devices?.virtioIrqsSuppressed ?? 0);
  return halted < batches ? { halted, batches } : null;
}

/** the freestanding guest's xAPIC register accesses during the ops on kvm-qemu: L1's kvm_amd has no AVIC (QEMU's
 *  TCG offers none), so it maps no APIC-access page (kvm_alloc_apic_access_page serves APICv and AVIC alone) */
function svmXapicAccesses(run: RunResult): number | null {
  if (run.engineId !== 'kvm-qemu' || run.options?.apic !== 'xapic') return null;
  const n = Number((run.measured?.guest as { apicMmio?: unknown } | undefined)?.apicMmio ?? NaN);
  return Number.isFinite(n) ? n : null;
}

const NO_TICK = "the freestanding guest keeps no periodic tick while busy: the model's re-arms IA32_TSC_DEADLINE (MSR_WRITE) and expires on the preemption timer";

export function explainDifference(reason: string, run: RunResult): string | null {
  const emulated = run.measured?.timingsRepresentative === false;
  const ran = ranOps(run);
  if (reason === 'EXTERNAL_INTERRUPT' && emulated) {
    // Linux's periodic tick and the host's device interrupts arrive per unit of wall-clock time
    const host = 'host interrupts come per unit of wall-clock time, and the emulated guest runs far slower than native';
    // kvm-platform.ts: without APICv an IPI to a running vCPU is a kick, an EXTERNAL_INTERRUPT on its host CPU
    if (ran.has('shootdown') && run.options?.guest !== 'linux') return `the model's flush IPIs reach threads running on their vCPUs, each kicked out of guest mode (EXTERNAL_INTERRUPT, no APICv); the measured guest's APs wait in HLT and are woken without a kick (their HLT row); ${host}`;
    return host;
  }
  if (run.options?.guest === 'linux') return explainLinuxL2(reason, run);
  const xapic = svmXapicAccesses(run);
  if (xapic !== null && (reason === 'APIC_ACCESS' || reason === 'EPT_MISCONFIG')) {
    // guest/apic.c apic_write: a store to 0xfee00000 + offset, which has no memory slot in L1's KVM
    return `the measured guest made ${xapic.toLocaleString('en-US')} xAPIC register accesses; on SVM without AVIC there is no APIC-access page, so each is a nested page fault on an address with no memory slot that KVM emulates against its local APIC — a reserved-bit NPF once its MMIO entry exists, counted as EPT_MISCONFIG — where VT-x without APICv takes an APIC_ACCESS exit`;
  }
  if (reason === 'INTERRUPT_WINDOW' && emulated && (ran.has('timer') || ran.has('hlt'))) {
    // guest/apic.c arms the timer (or, for hlt, takes a periodic tick), then halts: slower than the period, the
    // tick is already pending at the HLT (found on kvm-qemu's micro/hlt in xAPIC mode: 99 windows for 100 ticks)
    return "the emulated guest takes longer than a tick's period from the re-arm (or the last tick) to its HLT, so the tick is pending there and KVM delivers it through an interrupt window";
  }
  if (reason === 'INTERRUPT_WINDOW' && emulated && ran.has('ipi')) {
    // guest/smp.c: an IPI or tick reaching a vCPU still in a handler (IF=0) waits for IF=1, as TCG's timing decides
    return 'an IPI or tick that reaches a vCPU still in an interrupt handler waits for an interrupt window; how often depends on the emulated timing';
  }
  if (reason === 'EPT_VIOLATION' && run.workload === 'memory/random-4k-4k') {
    // vmm/vm-setup.c advises MADV_HUGEPAGE on guest RAM; the workload fixes the model's host pages at 4 KiB (kvm thp=off)
    return "the VMM backs guest RAM with transparent huge pages (MADV_HUGEPAGE, vmm/vm-setup.c), so 512 MiB take 256 nested faults of 2 MiB; the workload fixes the model's host pages at 4 KiB (kvm thp=off), one nested fault per page";
  }
  if (reason === 'HLT' && ran.has('shootdown')) {
    // guest/smp.c: vCPU 1 halts between requests; the model's other threads run the process
    return "the measured guest's APs idle in HLT between flush IPIs and halt again after each (one HLT per AP per shootdown); the model's other threads are running, so their IPI is a kick instead";
  }
  // the freestanding guest (not guest=linux) as it is built today, found on kvm-qemu runs of memory/fork-exit and
  // cpu/kernel-build once their fork/exec/exit ran, and of the micro suite once its timer and IPIs ran
  if (run.options?.guest !== 'linux') {
    if (reason === 'MSR_WRITE') {
      const why: string[] = [];
      // an xAPIC guest's LVTT, TMICT and EOI writes are stores to its APIC page, not WRMSRs (svmXapicAccesses)
      const x2apic = run.options?.apic !== 'xapic';
      // guest/apic.c apic_hlt: LVTT and TMICT around the op; the model's hlt finds its wake-up already on its way
      if (ran.has('hlt') && x2apic) why.push("the measured guest wakes an hlt op's HLTs with a periodic LAPIC timer it starts and stops around the op (LVTT and TMICT writes); the model's wake-up is already on its way");
      // guest/apic.c eoi(): KVM sets the PV EOI flag only when no other interrupt is pending (apic_sync_pv_eoi_to_guest)
      const eois = Number((run.measured?.guest as { eoiWrites?: unknown } | undefined)?.eoiWrites ?? 0);
      if (eois > 0 && x2apic) why.push(`${eois.toLocaleString('en-US')} are EOIs the guest wrote to the x2APIC because KVM had not set its PV EOI flag (another interrupt was pending); the model's PV EOI never exits`);
      // the model's guest re-arms its one-shot tick timer (IA32_TSC_DEADLINE) per tick while busy
      why.push(NO_TICK);
      return why.join('; ');
    }
    // guest/io.c halts only while a batch's completions are missing (virtioHalts); the VMM's I/O thread shares
    // L1's single CPU with the vCPU thread and its disk is VMM memory, so found on kvm-qemu's io suite
    const halts = virtioHalts(run);
    if (halts !== null && reason === 'HLT') {
      return `the measured guest halted for ${halts.halted.toLocaleString('en-US')} of ${halts.batches.toLocaleString('en-US')} virtio batches: the rest were complete before it reached its HLT (the VMM's I/O thread shares L1's one CPU with the vCPU and its disk is memory, with no latency); the model's vCPU has a CPU of its own and its disk takes diskLatencyUs, so it halts for every batch`;
    }
    if (halts !== null && reason === 'INTERRUPT_WINDOW') {
      return "a completion MSI that reaches the measured guest before its HLT finds interrupts disabled (the guest enables them only in its sti; hlt), and KVM holds it in an interrupt window; the model's vCPU is halted when the completion arrives";
    }
    if (reason === 'PREEMPTION_TIMER') {
      // KVM emulates the model's TSC-deadline tick with the VMX preemption timer; the freestanding guest arms no tick while busy
      return NO_TICK;
    }
  }
  return null;
}

/** why a total differs: it agrees once these rows, each differing for the cause on its own line, are left out */
export function totalAgreesWithout(reasons: string[]): string {
  if (reasons.length === 1 && reasons[0] === 'EXTERNAL_INTERRUPT') return 'agrees without EXTERNAL_INTERRUPT (host interrupts, per unit of wall-clock time)';
  return `agrees without ${reasons.join(', ')} (each differs for the cause given on its row)`;
}
/** why a total differs when every reason that differs has its own cause named */
export const TOTAL_IS_EXPLAINED = 'the sum of the differences above, each with its cause';
