// What is known to make a measured exit count differ from the model's, by exit reason and what the run
// says about itself. Only causes found on real runs are here; anything else is left unexplained in the
// report, which is the point: an unexplained difference is the model's to look into.
import type { RunResult } from '../../harness/results.ts';

export function explainDifference(reason: string, run: RunResult): string | null {
  const emulated = run.measured?.timingsRepresentative === false;
  if (reason === 'EXTERNAL_INTERRUPT' && emulated) {
    // Linux's periodic tick and the host's device interrupts arrive per unit of wall-clock time
    return 'host interrupts come per unit of wall-clock time, and the emulated guest runs far slower than native';
  }
  // the freestanding guest (not guest=linux) as it is built today, found on kvm-qemu runs of memory/fork-exit and
  // cpu/kernel-build once their fork/exec/exit ran
  if (run.options?.guest !== 'linux') {
    if (reason === 'MSR_WRITE' || reason === 'PREEMPTION_TIMER') {
      // the model's guest re-arms its one-shot tick timer (IA32_TSC_DEADLINE) per tick and KVM emulates it
      // with the VMX preemption timer; the freestanding guest has no timer interrupt at all
      return "the freestanding guest keeps no periodic tick: the model's re-arms IA32_TSC_DEADLINE (MSR_WRITE) and expires on the preemption timer";
    }
    if (run.measured?.io === 'virtio' && (reason === 'EPT_MISCONFIG' || reason === 'IO_INSTRUCTION' || reason === 'HLT')) {
      return "the freestanding guest notifies its ring with a port write (IO_INSTRUCTION) where the model's virtio doorbell is MMIO (EPT_MISCONFIG), and its requests complete synchronously, with no completion interrupt to wait for in HLT";
    }
  }
  return null;
}

/** why a total differs: when it agrees once host interrupts are left out on both sides, it is those */
export const TOTAL_IS_INTERRUPTS = 'agrees without EXTERNAL_INTERRUPT (host interrupts, per unit of wall-clock time)';
