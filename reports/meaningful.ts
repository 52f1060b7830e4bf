// Runs that measure nothing the workload meant: a workload built on an instruction a PV domU cannot execute
// (port I/O without I/O privilege, device MMIO without a device model, the local APIC's TSC_DEADLINE MSR)
// runs on xen PV as one bounced #GP or #PF per operation (Xen's arch/x86/traps.c do_general_protection →
// pv_inject_hw_exception), cheaper than the real instruction — micro/pio-string on xen is 0.0004× native. Such
// a run stays in the tables with its counters, but a ratio chart leaves it out with a note: on a log axis it
// would stretch the scale by four decades for a number that compares nothing. The workload declares it
// (workloads/types.ts notMeaningfulOnPv; test/workloads/micro/instructions.test.ts holds every such workload to
// it), and the results file records it with the workload.
import type { ResultsFile, RunResult } from '../harness/results.ts';

/** true when the run is xen in PV mode and its workload declares itself not meaningful there */
export function notMeaningful(results: ResultsFile, run: RunResult): boolean {
  if (run.engineId !== 'xen' || (run.options.mode ?? 'pv') !== 'pv') return false;
  return results.workloads.find((w) => w.id === run.workload)?.notMeaningfulOnPv !== undefined;
}
