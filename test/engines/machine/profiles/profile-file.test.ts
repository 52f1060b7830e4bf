import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProfile } from '../../../../engines/machine/profiles/index.ts';
import { loadProfileFile, profileFileContent } from '../../../../engines/machine/profiles/profile-file.ts';
import { UsageError } from '../../../../harness/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'hvbench-profile-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

test('a calibrated profile file loads through getProfile, extra blocks kept', () => {
  const base = getProfile('intel-modern');
  const file = write('host.json', { ...base, id: 'host', hvm: { ...base.hvm, exitRoundTrip: 10_095 }, calibration: { backend: 'kvm_pvm' } });
  const p = getProfile(file);
  assert.equal(p.id, 'host');
  assert.equal(p.hvm.exitRoundTrip, 10_095);
});

test('a file missing a field or with a wrong type names the field', () => {
  const base = getProfile('intel-modern');
  const { pv: _pv, ...noPv } = base;
  assert.throws(() => loadProfileFile(write('a.json', noPv), base), (e: unknown) => e instanceof UsageError && /a\.json: not a cost profile: pv: expected object, got undefined/.test(e.message));
  const badType = { ...base, native: { ...base.native, syscall: 'fast' } };
  assert.throws(() => loadProfileFile(write('b.json', badType), base), /native\.syscall: expected number, got string/);
  assert.throws(() => loadProfileFile(write('c.json', '{'), base), /c\.json: not JSON/);
  assert.throws(() => loadProfileFile(join(dir, 'missing.json'), base), /cannot read the profile \(no such file\)/);
});

test('an unknown profile name lists the known ones', () => {
  assert.throws(() => getProfile('pentium'), /unknown profile 'pentium'; known profiles: intel-modern, amd-modern, core2-2007, host/);
});

test('a file that extends a built-in profile states only what differs; objects merge, other values replace', () => {
  const amd = getProfile('amd-modern');
  const file = write('lean.json', { extends: 'amd-modern', hvm: { exitRoundTrip: 2000, exitHandler: { CPUID: 90 } }, tlb: { l1: { sets: 32 } } });
  const p = getProfile(file);
  // named after its file, not the profile it extends
  assert.equal(p.id, 'lean');
  assert.equal(p.hvm.exitRoundTrip, 2000);
  assert.equal(p.hvm.exitHandler.CPUID, 90);
  // the rest of each merged object is amd-modern's
  assert.equal(p.hvm.exitHandler.HLT, amd.hvm.exitHandler.HLT);
  assert.equal(p.hvm.userExitExtra, amd.hvm.userExitExtra);
  assert.deepEqual(p.tlb.l1, { ...amd.tlb.l1, sets: 32 });
  assert.deepEqual(p.power, amd.power);
  // an array replaces the built-in one whole
  const one = getProfile(write('one-pstate.json', { extends: 'amd-modern', id: 'x', power: { pStates: [{ mhz: 1000, volts: 0.7 }] } }));
  assert.deepEqual(one.power.pStates, [{ mhz: 1000, volts: 0.7 }]);
  // what it states is still checked: types and ranges, named in one line
  assert.throws(() => getProfile(write('bad.json', { extends: 'amd-modern', ghz: 'fast' })), /bad\.json: not a cost profile: ghz: expected number, got string/);
  assert.throws(() => getProfile(write('zero.json', { extends: 'amd-modern', ghz: 0 })), /zero\.json: ghz: must be a number from 0\.1 to 10/);
  // a "__proto__" key is an ignored field like any other unknown one, not the merged object's prototype
  const proto = getProfile(write('proto.json', '{"extends": "amd-modern", "__proto__": {"ghz": 0}, "hvm": {"__proto__": {"exitRoundTrip": 1}}}'));
  assert.equal(proto.ghz, amd.ghz);
  assert.equal(proto.hvm.exitRoundTrip, amd.hvm.exitRoundTrip);
  assert.equal(Object.getPrototypeOf(proto), Object.prototype);
  for (const name of ['pentium', 42, 'host']) {
    assert.throws(() => getProfile(write('unknown.json', { extends: name })), (e: Error) => e instanceof UsageError && /unknown\.json: extends: not a built-in profile/.test(e.message) && !e.message.includes('\n'));
  }
});

test('profileFileContent writes the smallest file that loads back to the same profile', () => {
  const base = getProfile('intel-modern');
  const measured = { ...base, id: 'host', hvm: { ...base.hvm, exitRoundTrip: 10_095, exitHandler: { ...base.hvm.exitHandler, EPT_MISCONFIG: 77 } }, calibration: { backend: 'kvm_pvm' } };
  const content = profileFileContent(measured, base);
  assert.deepEqual(content, { extends: 'intel-modern', id: 'host', hvm: { exitRoundTrip: 10_095, exitHandler: { EPT_MISCONFIG: 77 } }, calibration: { backend: 'kvm_pvm' } });
  assert.deepEqual(getProfile(write('round-trip.json', content)), measured);
});
