import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProfile } from '../../../../engines/machine/profiles/index.ts';
import { loadProfileFile } from '../../../../engines/machine/profiles/profile-file.ts';
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
