// The operations `hvbench explain` knows by name, each with its fields at one repetition; apart from the
// scenario built around them (scenario.ts), so that the command's --help lists them without loading the
// workloads and their schema.
import type { GuestOp, GuestOpName } from '../../engines/types.ts';
import { KiB } from '../../workloads/ops.ts';

/** the region an operation named on the command line works on, mapped in setup (scenario.ts) */
const REGION = 'r';

/** each operation with its fields at one repetition: an explain shows one syscall, one read, one request */
export const DEFAULT_OPS: { [K in Exclude<GuestOpName, 'phase'>]: Extract<GuestOp, { op: K }> } = {
  compute: { op: 'compute', cycles: 1000 },
  syscall: { op: 'syscall', count: 1 },
  cpuid: { op: 'cpuid', count: 1 },
  rdtsc: { op: 'rdtsc', count: 1 },
  // IA32_TSC_DEADLINE, the timer write of kvm-unit-tests' tsc_deadline case
  msr: { op: 'msr', index: 0x6e0, write: true, count: 1 },
  hlt: { op: 'hlt', count: 1 },
  hypercall: { op: 'hypercall', count: 1 },
  // the port micro/pio-user reads, forwarded to the user-space device model
  pio: { op: 'pio', port: 0x1234, write: false, count: 1 },
  mmio: { op: 'mmio', write: true, count: 1 },
  map: { op: 'map', region: 'fresh', bytes: 4 * KiB, pageSize: '4k' },
  unmap: { op: 'unmap', region: REGION },
  protect: { op: 'protect', region: REGION, writable: false },
  touch: { op: 'touch', region: REGION, pattern: 'seq', accesses: 1, write: false },
  invlpg: { op: 'invlpg', region: REGION, count: 1 },
  fork: { op: 'fork' },
  exec: { op: 'exec' },
  exit: { op: 'exit' },
  switch: { op: 'switch', to: 2 },
  io: { op: 'io', device: 'disk', dir: 'read', bytes: 4 * KiB, requests: 1 },
  timer: { op: 'timer', periodUs: 4000, ticks: 1 },
  ipi: { op: 'ipi', target: 'self', count: 1 },
  shootdown: { op: 'shootdown', region: REGION, cpus: 2 },
};

/** the operations that can be explained by name */
export const EXPLAINABLE_OPS = Object.keys(DEFAULT_OPS) as (keyof typeof DEFAULT_OPS)[];
