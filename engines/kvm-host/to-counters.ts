// Turning a VMM report into RunCounters under the shared names (docs/architecture.md#counters), with everything else the
// measurement knows in `measured`: the backend, KVM binary-stat deltas, exits as KVM named them, per-op
// TSC costs, skipped operations.
import { Counters } from '../machine/counters.ts';
import type { GuestOp, GuestOpName, RunCounters } from '../types.ts';
import { NATIVE_LOOP_LIMIT, type Backend } from './backend.ts';
import { svmName, vmxName } from './stats-names.ts';
import type { VmmRunReport } from './vmm-process.ts';

export const OP_STATUS = ['not run', 'ok', 'skipped', 'failed'] as const;

export interface OpCost {
  ops: number;
  /** what one unit is: instructions / accesses / requests / iterations / operations */
  unit: string;
  units: number;
  tscTotal: number;
  tscPerUnit: number | null;
  exits: number;
  exitsPerUnit: number | null;
}

/** the repeat count of an op as the guest ran it (compute is capped by computeCap) */
function unitsOf(op: GuestOp, computeCap: number): { unit: string; units: number } {
  switch (op.op) {
    case 'compute': return { unit: 'loop iterations', units: Math.min(op.cycles, computeCap) };
    case 'touch': return { unit: 'accesses', units: op.accesses };
    case 'io': return { unit: 'requests', units: op.requests };
    case 'syscall': case 'cpuid': case 'rdtsc': case 'msr': case 'hlt': case 'hypercall': case 'pio': case 'mmio': case 'invlpg':
      return { unit: 'instructions', units: op.count };
    default: return { unit: 'operations', units: 1 };
  }
}

export interface MappingInput {
  ops: GuestOp[];
  report: VmmRunReport;
  backend: Backend;
  computeCap: number;
  io: string;
}

type GuestTallies = VmmRunReport['guest'];

/** the VMM's exits and the guest's own counters of one phase under the shared names */
function countTallies(c: Counters, exits: Record<string, number>, g: GuestTallies): void {
  for (const [name, n] of Object.entries(exits)) if (n) c.exit(vmxName(name), n);
  // CR3 writes flush the non-global TLB (the guest uses no PCID; measured.guest.pcid says whether the CPU had one); INVLPG drops one page
  if (g.cr3Writes) c.flush('nonGlobal', 'cr3', g.cr3Writes);
  if (g.invlpgs) c.flush('single', 'invlpg', g.invlpgs);
  // the APs' flushes for vCPU 0's unmap (guest/smp.c flush_range, in their IPI handlers), counted by what each
  // instruction invalidates there, as the model counts them (native-platform.ts remoteFlush) and caused by the
  // shootdown: an INVLPG drops one page, a CR3 reload past Linux's ceiling every non-global entry (no PCID;
  // Intel SDM Vol. 3 §4.10.4.1)
  if (g.remoteInvlpgs) c.flush('single', 'shootdown', g.remoteInvlpgs);
  if (g.remoteFullFlushes) c.flush('nonGlobal', 'shootdown', g.remoteFullFlushes);
  for (const [name, n] of Object.entries({ pageFaults: g.pageFaults, protectionFaults: g.protectionFaults, syscalls: g.syscalls,
    msrFaults: g.gpFaults, hypercallFaults: g.udFaults, forks: g.forks, execs: g.execs, exits: g.exits, cowFaults: g.cowFaults,
    timerInterrupts: g.timerIrqs, ipis: g.ipisReceived, virtioNotify: g.virtioKicks,
  })) if (n) c.event(name, n);
}

/** a − b, key by key (the whole run less setup) */
function minus<T extends Record<string, number>>(a: T, b: Record<string, number>): T {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)])) as T;
}

/**
 * The report as RunCounters, setup apart: the VMM keeps its exit tallies, the guest's counters and KVM's
 * statistics at the guest's phase op (vmm/devices/control.c), so setup is the boot and the operations before
 * `phase`, and the measured phase the whole run less that; the guest ends setup after its boot when the
 * stream has no `phase` (guest/interpreter.c). A report without them (a VMM from before the phase op) has
 * everything, the boot included, counted as measured.
 */
export function toCounters({ ops, report, backend, computeCap, io }: MappingInput): RunCounters {
  const loopCycles = report.guest.loopCyclesX1000 / 1000;
  const representative = loopCycles <= NATIVE_LOOP_LIMIT;
  const c = new Counters();
  const costs: Partial<Record<GuestOpName, OpCost>> = {};
  const skipped: Record<string, number> = {};
  const failed: Array<{ index: number; op: GuestOpName }> = [];
  const hypercall = backend.module === 'kvm_amd' ? 'vmmcall' : 'vmcall';
  const setup = report.setup;
  const endSetup = () => {
    if (setup) countTallies(c, setup.exits, setup.guest);
    c.markSetup();
  };
  // without a phase op the guest ended setup after its boot, before the first operation
  if (!ops.some((op) => op.op === 'phase')) endSetup();
  ops.forEach((op, i) => {
    if (op.op === 'phase') { endSetup(); return; }
    const [tsc, status, , exits] = report.ops[i] ?? [0, 0, 0, 0];
    if (OP_STATUS[status] === 'skipped') { skipped[op.op] = (skipped[op.op] ?? 0) + 1; return; }
    if (OP_STATUS[status] === 'failed') failed.push({ index: i, op: op.op });
    const { unit, units } = unitsOf(op, computeCap);
    const cost = (costs[op.op] ??= { ops: 0, unit, units: 0, tscTotal: 0, tscPerUnit: null, exits: 0, exitsPerUnit: null });
    cost.ops++;
    cost.units += units;
    cost.tscTotal += tsc;
    cost.exits += exits;
    if (op.op === 'hypercall' && OP_STATUS[status] === 'ok') c.hypercall(hypercall, op.count);
    if (representative) c.charge('guest', op.op, tsc);
  });
  for (const cost of Object.values(costs)) {
    cost.tscPerUnit = cost.units > 0 ? cost.tscTotal / cost.units : null;
    cost.exitsPerUnit = cost.units > 0 ? cost.exits / cost.units : null;
  }
  const kvmExitReasons: Record<string, number> = {};
  const exitNames: Record<string, { vmx: string; svm: string }> = {};
  for (const [name, n] of Object.entries(report.exits)) {
    kvmExitReasons[`KVM_EXIT_${name}`] = n;
    exitNames[`KVM_EXIT_${name}`] = { vmx: vmxName(name), svm: svmName(name) };
  }
  countTallies(c, setup ? minus(report.exits, setup.exits) : report.exits, setup ? minus(report.guest, setup.guest) : report.guest);
  const g = report.guest;
  const counters = c.snapshot();
  const skippedTotal = Object.values(skipped).reduce((a, b) => a + b, 0);
  counters.measured = {
    backend: { module: backend.module, label: backend.label, nestedParam: backend.nestedParam, hostIsGuest: backend.hostIsGuest },
    timingsRepresentative: representative,
    loopCyclesPerIteration: loopCycles,
    ...(representative ? {} : {
      timingsNote: `a 2-instruction loop costs ${loopCycles.toFixed(0)} TSC cycles per iteration on ${backend.label}: the guest is not run natively, so cycles are not kept (per-op TSC costs below are for reference only)`,
    }),
    io,
    computeCap,
    wallNs: report.wallNs,
    kvmExitReasons,
    exitNames,
    exitsOutsideOps: report.exitsOutsideOps,
    devices: report.devices,
    // KVM's statistics over the whole run, and at the phase op (boot and setup) when the stream has one;
    // vcpu: vCPU 0's, as reports before the others' had it; vcpus: each vCPU's by index
    kvmStats: {
      vm: report.vmStats, vcpu: report.vcpuStats, vcpus: [report.vcpuStats, ...report.otherVcpuStats],
      ...(setup ? { setup: { vm: setup.vmStats, vcpu: setup.vcpuStats, vcpus: [setup.vcpuStats, ...setup.otherVcpuStats] } } : {}),
    },
    phases: setup
      ? 'setup is the boot and the operations before the phase operation: the VMM kept its tallies, the guest\'s counters and KVM\'s statistics there; kvmExitReasons and kvmStats are the whole run\'s'
      : 'the VMM kept no tallies at a phase operation (none ran): every count, the boot included, is the measured phase',
    opCosts: costs,
    skipped: { total: skippedTotal, byOp: skipped, disabledOnBackend: backend.disabledOps },
    failedOps: failed,
    guest: {
      framesUsed: g.framesUsed, fullFlushes: g.fullFlushes, eoiWrites: g.eoiWrites, virtioKicksSuppressed: g.virtioKicksSuppressed, virtioIrqs: g.virtioIrqs, virtioHalts: g.virtioHalts,
      apicMmio: g.apicMmio, earlyWakeups: g.earlyWakeups, waitHalts: g.waitHalts,
      ...(g.pcid === undefined ? {} : { pcid: g.pcid === 1, invpcid: g.invpcid === 1 }),
    },
  };
  return counters;
}
