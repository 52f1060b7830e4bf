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
 * The base profile with the measured fields replaced, each by inverting the cost formula the `kvm` engine
 * charges for that operation (engines/hardware-assisted/kvm-platform.ts, vm-exit.ts), so the calibrated profile
 * predicts exactly what was measured:
 * - CPUID exit = exitRoundTrip + exitHandler.CPUID → hvm.exitRoundTrip (the base's CPUID handler kept);
 * - null hypercall = exitRoundTrip + exitHandler.VMCALL → exitHandler.VMCALL, when the backend runs hypercalls;
 * - port write to the VMM = exitRoundTrip + exitHandler.IO_INSTRUCTION + userExitExtra + deviceModelAccess:
 *   the VMM that measured it (engines/kvm-host/vmm) dispatches a port write in a few instructions, so its
 *   device work cannot be told apart from the ioctl return; all of it goes into hvm.userExitExtra and
 *   deviceModelAccess is 0 (the profile describes this host with that VMM, not QEMU's dispatch);
 * - MMIO read = exitRoundTrip + exitHandler.EPT_MISCONFIG + userExitExtra → exitHandler.EPT_MISCONFIG;
 * - first touch of a page − a hot access = the guest's #PF (native.exception + pageFaultHandler) + one
 *   EPT_VIOLATION exit (exitRoundTrip + eptViolationHandler; the VMM's guest RAM has no MADV_HUGEPAGE, so
 *   4 KiB host pages) → hvm.eptViolationHandler (the first touch's page-table walks are left in it).
 * A result below zero (a measurement cheaper than the base's handler estimate) is clamped to 0.
 * Everything measured is also kept verbatim in `calibration`.
 */
export function buildHostProfile(base: CostProfile, m: HostMeasurements, createdAt = new Date().toISOString()): CostProfile & { calibration: object } {
  const handler = (reason: string) => base.hvm.exitHandler[reason] ?? base.hvm.exitHandler.default;
  const exitRoundTrip = round(m.cpuidExit - handler('CPUID'));
  const userExitExtra = round(m.pioExit - exitRoundTrip - handler('IO_INSTRUCTION'));
  const exitHandler: Record<string, number> = { ...base.hvm.exitHandler, EPT_MISCONFIG: round(m.mmioExit - exitRoundTrip - userExitExtra) };
  if (m.hypercall !== null) exitHandler.VMCALL = round(m.hypercall - exitRoundTrip);
  return {
    ...base,
    id: 'host',
    title: `This host, measured by hvbench calibrate (${m.backend.label})`,
    description: `${base.title} with exit, hypercall, MMIO and page-fault costs measured through kvm-host on ${m.backend.label}` +
      (m.timingsRepresentative ? '' : `; NOT representative: the backend emulates the guest (a 2-instruction loop costs ${m.loopCyclesPerIteration.toFixed(0)} cycles per iteration)`),
    hvm: {
      ...base.hvm,
      exitRoundTrip,
      userExitExtra,
      deviceModelAccess: 0,
      exitHandler,
      eptViolationHandler: round(m.coldAccess - m.hotAccess - base.native.exception - base.native.pageFaultHandler - exitRoundTrip),
    },
    calibration: { createdAt, baseProfile: base.id, ...m },
  };
}
