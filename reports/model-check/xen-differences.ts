// Why the simulated `xen` engine and the measured `xen-qemu` engine differ where they do: each entry names
// the row (`hypercall <op>`, `trap <name>`, `event <name>`), the workloads it applies to (all when absent)
// and the reason, found by reading both traces of a real run. The model check prints the reason beside a
// flagged row; a flagged row without one is a difference nobody has explained yet.
export interface XenDifference {
  what: string;
  workloads?: readonly string[];
  reason: string;
}

const TICKS_AND_SWITCHES =
  'a real dom0 keeps time with VCPUOP_set_singleshot_timer at every tick and switches to kernel threads ' +
  '(stack_switch, set_segment_base, sched_op block at idle); the model charges ticks by elapsed time and ' +
  'runs no other task';

/** the one-instruction loops, where anything besides the loop is the real dom0's own activity */
const MICRO_LOOPS = ['micro/cpuid', 'micro/hypercall', 'micro/pio-kernel', 'micro/pio-user', 'micro/mmio', 'micro/hlt',
  'micro/tsc-deadline', 'micro/self-ipi', 'micro/ipi', 'micro/null-syscall'];
const RING0 = 'the op-runner is a user process: hlt, msr, mmio and invlpg need ring 0 and are skipped (measured.skipped)';
const DOM0_PORTS =
  'the op-runner runs in dom0 with ioperm, so Xen emulates each IN for a privileged domain (emulate privop) and Linux ' +
  'loads the I/O bitmap with physdev_op at ioperm and at every context switch; the workload models a domU without ' +
  'I/O privilege, whose IN is a #GP bounced to its kernel';

// the entries that name workloads come first: the first entry that matches a row gives its reason
export const XEN_DIFFERENCES: readonly XenDifference[] = [
  { what: 'hypercall sched_op', workloads: ['micro/hlt'], reason: RING0 },
  { what: 'hypercall iret', workloads: ['micro/hlt', 'micro/mmio', 'micro/tsc-deadline'], reason: RING0 },
  { what: 'trap general_protection', workloads: ['micro/pio-kernel', 'micro/pio-user', 'micro/tsc-deadline'], reason: DOM0_PORTS },
  { what: 'trap emulate privop', workloads: ['micro/pio-kernel', 'micro/pio-user'], reason: DOM0_PORTS },
  { what: 'hypercall iret', workloads: ['micro/pio-kernel', 'micro/pio-user'], reason: DOM0_PORTS },
  { what: 'hypercall physdev_op', workloads: ['micro/pio-kernel', 'micro/pio-user'], reason: DOM0_PORTS },
  {
    what: 'hypercall mmuext_op', workloads: MICRO_LOOPS,
    reason: 'switches to kernel threads during the loop load their page tables (MMUEXT_NEW_BASEPTR); the model\'s loop runs alone',
  },
  { what: 'hypercall vcpu_op', reason: TICKS_AND_SWITCHES },
  { what: 'hypercall set_segment_base', reason: TICKS_AND_SWITCHES },
  { what: 'hypercall stack_switch', reason: TICKS_AND_SWITCHES },
  { what: 'hypercall sched_op', reason: TICKS_AND_SWITCHES },
  { what: 'hypercall xen_version', reason: 'Linux reads Xen\'s version while switching tasks (real dom0 only); on micro/hypercall both count the loop\'s xen_version calls' },
  {
    what: 'trap forced_invalid_op', workloads: ['micro/cpuid'],
    reason: 'the op-runner executes CPUID in user mode, which the emulated CPU (no CPUID faulting) runs without any trap; ' +
      'the workload models CPUID from the guest kernel (xen_cpuid\'s forced-emulation prefix, one trap each)',
  },
  {
    what: 'trap emulate privop',
    reason: 'a real context switch runs privileged instructions Xen emulates for a PV kernel (arch/x86/pv/emul-priv-op.c), ' +
      'and dom0 port I/O under ioperm is emulated the same way; the model\'s switch has none',
  },
  {
    what: 'hypercall iret',
    reason: 'every return from a dom0 system call or exception to user mode is HYPERVISOR_iret; the op-runner\'s own ' +
      'system calls between its markers (reading its counters) add a few per operation',
  },
];
