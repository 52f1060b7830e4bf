import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CostProfile } from '../../../../engines/machine/profile.ts';
import { getProfile, listProfiles } from '../../../../engines/machine/profiles/index.ts';
import { loadProfileFile } from '../../../../engines/machine/profiles/profile-file.ts';
import { profileRangeProblem } from '../../../../engines/machine/profiles/profile-ranges.ts';
import { UsageError } from '../../../../harness/errors.ts';

const base = getProfile('intel-modern');
const dir = mkdtempSync(join(tmpdir(), 'hvbench-ranges-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** `base` with the value at `path` (dot-separated, numeric parts index arrays) replaced */
function withField(path: string, value: unknown): CostProfile {
  const copy = structuredClone(base) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys.at(-1)!] = value;
  return copy as unknown as CostProfile;
}

test('the built-in profiles are within every range', () => {
  for (const p of listProfiles()) assert.equal(profileRangeProblem(p, base), null, p.id);
});

test('out-of-range numbers are named by their path with the allowed range', () => {
  const cases: [string, unknown, RegExp][] = [
    ['ghz', 0, /^ghz: must be a number from 0\.1 to 10 \(got 0\)$/],
    ['ghz', 1e6, /^ghz: must be a number from 0\.1 to 10/],
    ['hvm.exitRoundTrip', 1e308, /^hvm\.exitRoundTrip: must be a number from 0 to 1000000000 \(got 1e\+308\)$/],
    ['native.syscall', -1, /^native\.syscall: must be a number from 0 to 1000000000 \(got -1\)$/],
    ['tlb.l1.sets', 0, /^tlb\.l1\.sets: must be a power of two from 1 to 4096 \(got 0\)$/],
    // 12 is an integer in range but not a power of two: the set index is the page number's low bits
    ['tlb.l2.sets', 12, /^tlb\.l2\.sets: must be a power of two/],
    ['tlb.l1Huge.ways', 0, /^tlb\.l1Huge\.ways: must be an integer from 1 to 64 \(got 0\)$/],
    ['tlb.l2.ways', 2.5, /^tlb\.l2\.ways: must be an integer/],
    ['pwc.pd', 1e6, /^pwc\.pd: must be an integer from 0 to 4096/],
    ['devices.diskBytesPerUs', 0, /^devices\.diskBytesPerUs: must be a number from 1 to 1000000000 \(got 0\)$/],
    // a tiny positive divisor would make device time infinite all the same
    ['devices.netBytesPerUs', 1e-300, /^devices\.netBytesPerUs: must be a number from 1 to/],
    ['power.pStates.0.mhz', 0, /^power\.pStates\[0\]\.mhz: must be a number from 1 to/],
    ['power.pStates.2.volts', 0, /^power\.pStates\[2\]\.volts: must be a number above 0/],
    ['power.transitionLatencyUs', 2e9, /^power\.transitionLatencyUs: must be a number from 0 to 1000000000/],
  ];
  for (const [path, value, pattern] of cases) assert.match(profileRangeProblem(withField(path, value), base) ?? 'null', pattern, path);
});

test('a field the reference has is covered without a rule of its own; a record of numbers has its extra keys checked', () => {
  // exitHandler is a record of numbers: a reason the reference does not list still feeds handler() lookups
  assert.match(profileRangeProblem(withField('hvm.exitHandler', { ...base.hvm.exitHandler, XSETBV: 1e300 }), base) ?? '',
    /^hvm\.exitHandler\.XSETBV: must be a number from 0 to 1000000000/);
  assert.match(profileRangeProblem(withField('hvm.exitHandler', { ...base.hvm.exitHandler, XSETBV: 'slow' }), base) ?? '',
    /^hvm\.exitHandler\.XSETBV: expected number, got string/);
  // an extra block the model does not read (calibrate's) is not judged
  assert.equal(profileRangeProblem({ ...base, calibration: { createdAtMs: 1.7e12 } } as CostProfile, base), null);
});

test('lists are bounded and the power block keeps its ordering rules', () => {
  const many = Array.from({ length: 65 }, (_, i) => ({ mhz: 3000 - i, volts: 1 }));
  assert.match(profileRangeProblem(withField('power.pStates', many), base) ?? '', /^power\.pStates: at most 64 entries \(got 65\)$/);
  const swapped = [base.power.pStates[1], base.power.pStates[0]];
  assert.match(profileRangeProblem(withField('power.pStates', swapped), base) ?? '', /^power: P1 is not slower than P0$/);
});

test('loading a profile file refuses an out-of-range field in one line naming file and field', () => {
  const file = join(dir, 'ghz0.json');
  writeFileSync(file, JSON.stringify(withField('ghz', 0)));
  assert.throws(() => loadProfileFile(file, base), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.equal(e.message, `${file}: ghz: must be a number from 0.1 to 10 (got 0)`);
    return true;
  });
});
