import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INTEL_MODERN } from '../../../engines/machine/profiles/intel-modern.ts';
import { patchProfile, pathPatch } from '../../../harness/validate/profile-patch.ts';

test('patchProfile replaces nested fields, keeps their siblings and never modifies the profile given', () => {
  const p = patchProfile(INTEL_MODERN, { pwc: { pd: 0, nestedTlb: 0 }, hvm: { exitHandler: { CPUID: 7 } } });
  assert.equal(p.pwc.pd, 0);
  assert.equal(p.pwc.nestedTlb, 0);
  assert.equal(p.pwc.pml4, INTEL_MODERN.pwc.pml4);
  assert.equal(p.hvm.exitHandler.CPUID, 7);
  assert.equal(p.hvm.exitHandler.HLT, INTEL_MODERN.hvm.exitHandler.HLT);
  assert.equal(p.hvm.exitRoundTrip, INTEL_MODERN.hvm.exitRoundTrip);
  assert.equal(INTEL_MODERN.pwc.pd, 32);
  assert.equal(INTEL_MODERN.hvm.exitHandler.CPUID, 100);
  assert.equal(patchProfile(INTEL_MODERN, undefined), INTEL_MODERN);
});

test('pathPatch builds the nested patch for one path', () => {
  assert.deepEqual(pathPatch(['hvm', 'exitHandler', 'CPUID'], 80), { hvm: { exitHandler: { CPUID: 80 } } });
});
