// buildHostProfile: measured numbers replace exactly the matching fields of the base profile, by inverting
// the cost formula the kvm engine charges, so the calibrated profile predicts what was measured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import type { CostProfile } from '../../../engines/machine/profile.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { kvmEngine } from '../../../engines/hardware-assisted/index.ts';
import { buildHostProfile, type HostMeasurements } from '../../../engines/kvm-host/calibration.ts';

const m: HostMeasurements = {
  backend: { module: 'kvm_amd', label: 'kvm_amd (SVM)', nestedParam: true, hostIsGuest: false },
  loopCyclesPerIteration: 1.01, timingsRepresentative: true,
  cpuidExit: 1500, pioExit: 9000, mmioExit: 9500, hypercall: 1700, coldAccess: 5000, hotAccess: 5, rdtsc: 30,
};

test('a host profile replaces the measured fields and keeps the rest of the base', () => {
  const base = getProfile('amd-modern');
  const p = buildHostProfile(base, m, '2026-01-01T00:00:00Z');
  assert.equal(p.id, 'host');
  // amd-modern handlers (intel-modern's): CPUID 100, IO_INSTRUCTION 400
  assert.equal(p.hvm.exitRoundTrip, 1500 - 100);
  // 9,000 − 1,400 − 400: the ioctl return and the VMM's dispatch together; no separate device-model work
  assert.equal(p.hvm.userExitExtra, 7200);
  assert.equal(p.hvm.deviceModelAccess, 0);
  // 9,500 − 1,400 − 7,200
  assert.equal(p.hvm.exitHandler.EPT_MISCONFIG, 900);
  assert.equal(p.hvm.exitHandler.VMCALL, 1700 - 1400);
  // 5,000 − 5 − exception 250 − pageFaultHandler 2,500 − 1,400
  assert.equal(p.hvm.eptViolationHandler, 845);
  assert.deepEqual(p.native, base.native);
  assert.deepEqual(p.tlb, base.tlb);
  assert.deepEqual(p.calibration, { createdAt: '2026-01-01T00:00:00Z', baseProfile: 'amd-modern', ...m });
});

test('a backend without hypercalls keeps the base VMCALL handler and says so in the description', () => {
  const base = getProfile('intel-modern');
  const p = buildHostProfile(base, { ...m, hypercall: null, timingsRepresentative: false, loopCyclesPerIteration: 3000 });
  assert.equal(p.hvm.exitHandler.VMCALL, base.hvm.exitHandler.VMCALL);
  assert.match(p.description, /NOT representative/);
});

/** cycles the kvm engine charges for `op` on `profile`, over an empty run */
function predicted(profile: CostProfile, op: GuestOp): number {
  const cycles = (ops: GuestOp[]) => {
    const r = kvmEngine.run({ ops, profile, options: {}, seed: 1 });
    return (r as { cycles: { total: number } }).cycles.total;
  };
  return cycles([op]) - cycles([]);
}

test('the calibrated profile predicts each measured exit exactly', () => {
  for (const base of [getProfile('amd-modern'), getProfile('intel-modern')]) {
    const p = buildHostProfile(base, m);
    assert.equal(predicted(p, { op: 'cpuid', count: 10 }), 10 * m.cpuidExit);
    // port 0x80 is not an in-kernel port: it goes to the VMM
    assert.equal(predicted(p, { op: 'pio', port: 0x80, write: true, count: 10 }), 10 * m.pioExit);
    assert.equal(predicted(p, { op: 'mmio', write: false, count: 10 }), 10 * m.mmioExit);
    assert.equal(predicted(p, { op: 'hypercall', count: 10 }), 10 * m.hypercall!);
  }
});
