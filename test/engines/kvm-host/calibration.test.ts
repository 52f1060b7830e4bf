// buildHostProfile: measured numbers replace exactly the matching fields of the base profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
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
  assert.equal(p.hvm.exitRoundTrip, 1500 - base.native.cpuid);
  assert.equal(p.hvm.userExitExtra, 7500);
  assert.equal(p.hvm.exitHandler.VMCALL, 1700 - p.hvm.exitRoundTrip);
  assert.equal(p.hvm.eptViolationHandler, Math.max(0, 5000 - base.native.exception - base.native.pageFaultHandler));
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
