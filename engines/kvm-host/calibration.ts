// Calibration through kvm-host: one guest run measures this host's exit round trips (CPUID, which KVM
// handles in the kernel; port I/O, which comes out to our VMM), the null hypercall when the backend runs it,
// MMIO, and cold/hot memory accesses; buildHostProfile() puts those numbers into a CostProfile in place of the
// matching fields of a base profile. `hvbench calibrate` (scripts/commands/calibrate.ts) writes the result.
import type { CostProfile } from '../machine/profile.ts';
import type { GuestOp } from '../types.ts';
import { detectBackend, NATIVE_LOOP_LIMIT, type Backend } from './backend.ts';
import { serialize } from './op-stream.ts';
import { builtPaths, runVmm, type VmmPaths } from './vmm-process.ts';

const PAGES = 64;
const HOT_ROUNDS = 16;

export interface HostMeasurements {
  backend: Pick<Backend, 'module' | 'label' | 'nestedParam' | 'hostIsGuest'>;
  loopCyclesPerIteration: number;
  timingsRepresentative: boolean;
  /** TSC cycles per instruction / access, as the guest measured them; null when the backend could not run it */
  cpuidExit: number;
  pioExit: number;
  mmioExit: number;
  hypercall: number | null;
  coldAccess: number;
  hotAccess: number;
  rdtsc: number;
}

function calibrationOps(hypercalls: boolean): GuestOp[] {
  return [
    { op: 'rdtsc', count: 1000 },
    { op: 'cpuid', count: 2000 },
    { op: 'pio', port: 0x80, write: true, count: 2000 },
    { op: 'mmio', write: false, count: 1000 },
    ...(hypercalls ? [{ op: 'hypercall', count: 1000 } as GuestOp] : []),
    { op: 'map', region: 'calibrate', bytes: PAGES * 4096, pageSize: '4k' },
    { op: 'touch', region: 'calibrate', pattern: 'seq', accesses: PAGES, write: true },
    { op: 'touch', region: 'calibrate', pattern: 'seq', accesses: PAGES * HOT_ROUNDS, write: false },
  ];
}

export async function measureHost(paths: VmmPaths = builtPaths): Promise<HostMeasurements> {
  const backend = detectBackend();
  const hypercalls = !backend.disabledOps.includes('hypercall');
  const ops = calibrationOps(hypercalls);
  const outcome = await runVmm(paths, { memMb: 64, timeoutMs: 120000, io: 'virtio', computeCap: 1, disable: backend.disabledOps }, serialize(ops).bytes);
  if (outcome.kind !== 'report') throw new Error(`calibration run failed: ${outcome.error}`);
  const r = outcome.report;
  if (!r.ok) throw new Error(`calibration run failed: ${r.error} (exit ${r.exitReason})`);
  const perUnit = (i: number, units: number) => r.ops[i][0] / units;
  const at = (name: GuestOp['op']) => ops.findIndex((o) => o.op === name);
  const loop = r.guest.loopCyclesX1000 / 1000;
  const touch = ops.length - 2;
  return {
    backend: { module: backend.module, label: backend.label, nestedParam: backend.nestedParam, hostIsGuest: backend.hostIsGuest },
    loopCyclesPerIteration: loop,
    timingsRepresentative: loop <= NATIVE_LOOP_LIMIT,
    rdtsc: perUnit(at('rdtsc'), 1000),
    cpuidExit: perUnit(at('cpuid'), 2000),
    pioExit: perUnit(at('pio'), 2000),
    mmioExit: perUnit(at('mmio'), 1000),
    hypercall: hypercalls ? perUnit(at('hypercall'), 1000) : null,
    coldAccess: perUnit(touch, PAGES),
    hotAccess: perUnit(touch + 1, PAGES * HOT_ROUNDS),
  };
}

const round = (n: number) => Math.max(0, Math.round(n));

/**
 * The base profile with the measured fields replaced:
 * - hvm.exitRoundTrip: a CPUID exit (handled in KVM) minus the native CPUID cost of the base profile;
 * - hvm.userExitExtra: a port-I/O exit to our VMM minus the CPUID exit (the extra of leaving the kernel);
 * - hvm.exitHandler.VMCALL: the null hypercall minus the round trip, when the backend runs hypercalls;
 * - hvm.eptViolationHandler: the first touch of a page (guest #PF plus the host's fault) minus the base
 *   profile's guest exception and fault-handler costs.
 * Everything measured is also kept verbatim in `calibration`.
 */
export function buildHostProfile(base: CostProfile, m: HostMeasurements, createdAt = new Date().toISOString()): CostProfile & { calibration: object } {
  const exitRoundTrip = round(m.cpuidExit - base.native.cpuid);
  const exitHandler = { ...base.hvm.exitHandler };
  if (m.hypercall !== null) exitHandler.VMCALL = round(m.hypercall - exitRoundTrip);
  return {
    ...base,
    id: 'host',
    title: `This host, measured by hvbench calibrate (${m.backend.label})`,
    description: `${base.title} with exit, hypercall and page-fault costs measured through kvm-host on ${m.backend.label}` +
      (m.timingsRepresentative ? '' : `; NOT representative: the backend emulates the guest (a 2-instruction loop costs ${m.loopCyclesPerIteration.toFixed(0)} cycles per iteration)`),
    hvm: {
      ...base.hvm,
      exitRoundTrip,
      userExitExtra: round(m.pioExit - m.cpuidExit),
      exitHandler,
      eptViolationHandler: round(m.coldAccess - base.native.exception - base.native.pageFaultHandler),
    },
    calibration: { createdAt, baseProfile: base.id, ...m },
  };
}
