// What runs in L1, the Debian kernel under QEMU: the image's setup lines and the command line of one run.
// Exits are counted by the `kvm:kvm_exit` tracepoint (arch/x86/kvm/trace.h), the source `perf kvm stat`
// reads, through an in-kernel histogram trigger (Linux Documentation/trace/histogram.rst) keyed by the exit
// code and EXITINFO1: no per-event buffer to overflow, and EXITINFO1 tells MSR reads from writes and
// reserved-bit (MMIO) nested page faults from ordinary ones. At the guest's phase op the VMM copies the
// histogram (vmm/devices/control.c), so the exits up to the end of setup come back beside the whole run's.
import type { VmmArgs } from '../kvm-host/vmm-process.ts';
import { vmmArgv } from '../kvm-host/vmm-process.ts';

export const TRACE_EVENT = '/sys/kernel/tracing/events/kvm/kvm_exit';
const HIST = 'hist:keys=exit_reason,info1:size=4096';
export const GUEST_STREAM = '/tmp/stream';
export const VMM = { vmm: '/lab/hvbench-vmm', guest: '/lab/guest.bin' };
/** the line between the VMM's report and the histogram in a run's output */
export const HIST_MARKER = '@@kvm_exit';
/** the line before the histogram as the VMM copied it at the phase op (empty when the stream had none) */
export const SETUP_HIST_MARKER = '@@kvm_exit_setup';
const SETUP_HIST = '/tmp/kvm_exit.setup';

/** /init runs these before the agent starts: KVM's modules in dependency order, then the exit histogram */
export const L1_SETUP = [
  'for m in $(cat /lab/modules/order); do insmod /lab/modules/$m.ko; done; [ -c /dev/kvm ]',
  `echo '${HIST}' > ${TRACE_EVENT}/trigger`,
];

/** one run: clear the histogram, run the VMM on the stream already copied to GUEST_STREAM, print both */
export function runCommand(args: VmmArgs): string {
  const { argv } = vmmArgv(VMM, { ...args, phaseCopy: { from: `${TRACE_EVENT}/hist`, to: SETUP_HIST } });
  return [
    `rm -f ${SETUP_HIST}; echo '${HIST}:clear' >> ${TRACE_EVENT}/trigger`,
    `${VMM.vmm} ${argv.join(' ')} < ${GUEST_STREAM}`,
    `echo; echo ${HIST_MARKER}; cat ${TRACE_EVENT}/hist`,
    `echo ${SETUP_HIST_MARKER}; cat ${SETUP_HIST} 2>/dev/null`,
  ].join('; ');
}

/** a run's output → the VMM's stdout, the histogram text and the one copied at the phase op ('' without) */
export function splitRunOutput(stdout: string): { vmm: string; hist: string; setupHist: string } {
  const at = stdout.lastIndexOf(`\n${HIST_MARKER}\n`);
  if (at < 0) return { vmm: stdout, hist: '', setupHist: '' };
  const rest = stdout.slice(at + HIST_MARKER.length + 2);
  const setupAt = rest.indexOf(`${SETUP_HIST_MARKER}\n`);
  return {
    vmm: stdout.slice(0, at),
    hist: setupAt < 0 ? rest : rest.slice(0, setupAt),
    setupHist: setupAt < 0 ? '' : rest.slice(setupAt + SETUP_HIST_MARKER.length + 1),
  };
}
