import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PROFILE, getProfile, listProfiles } from '../../../engines/machine/profiles/index.ts';
import { UsageError } from '../../../harness/errors.ts';
import type { CostProfile } from '../../../engines/machine/profile.ts';

/** every numeric leaf of a profile with its dotted path */
function numbers(value: unknown, path: string, out: [string, number][]): [string, number][] {
  if (typeof value === 'number') out.push([path, value]);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) numbers(v, path ? `${path}.${k}` : k, out);
  }
  return out;
}

test('the default profile exists and ids are unique', () => {
  assert.equal(getProfile(DEFAULT_PROFILE).id, 'intel-modern');
  const ids = listProfiles().map((p) => p.id);
  assert.deepEqual(ids, ['intel-modern', 'amd-modern', 'core2-2007']);
});

test('an unknown profile is a usage error naming the known ids', () => {
  assert.throws(() => getProfile('pentium4'), (e: unknown) =>
    e instanceof UsageError && /pentium4/.test(e.message) && /intel-modern, amd-modern, core2-2007/.test(e.message));
});

for (const profile of listProfiles()) {
  test(`${profile.id}: every number finite, positive where it must be`, () => {
    for (const [path, n] of numbers(profile, '', [])) {
      assert.ok(Number.isFinite(n), `${path} is finite`);
      // a paging-structure cache may be absent (0 entries) — core2 has no nested TLB — and so may a last-level
      // cache beyond the near ones (core2's L2 is its last level): then its latency is unused; everything else > 0
      const noLlc = profile.dataCache.llcPages === 0 && path.startsWith('dataCache.llc');
      if (path.startsWith('pwc.') || noLlc) assert.ok(n >= 0 && Number.isInteger(n), `${path} ≥ 0`);
      else assert.ok(n > 0, `${path} > 0`);
    }
  });

  test(`${profile.id}: TLB geometry has power-of-two set counts and integer ways`, () => {
    for (const g of [profile.tlb.l1, profile.tlb.l1Huge, profile.tlb.l2, profile.tlb.l2Huge]) {
      assert.ok(Number.isInteger(g.ways) && g.ways > 0);
      assert.ok(Number.isInteger(g.sets) && (g.sets & (g.sets - 1)) === 0);
    }
    assert.ok(profile.hvm.exitHandler.default > 0, 'exitHandler has a default');
  });

  test(`${profile.id}: the data caches' page counts are powers of two, the last level larger than the near`, () => {
    const { nearPages, llcPages } = profile.dataCache;
    for (const n of [nearPages, llcPages]) assert.ok(Number.isInteger(n) && (n & (n - 1)) === 0, `${n} is a power of two or 0`);
    assert.ok(nearPages > 0);
    assert.ok(llcPages === 0 || llcPages > nearPages, 'a last level no larger than the near caches would never hit');
  });
}

test('profiles keep the calibration anchors', () => {
  const byId = (id: string): CostProfile => getProfile(id);
  // Penryn ≈ 3,000 (derived from Nehalem 2,000 and IDF 2008's −33 %); recent AMD ≈ 1,360 around VMRUN
  assert.equal(byId('core2-2007').hvm.exitRoundTrip, 3000);
  assert.equal(byId('amd-modern').hvm.exitRoundTrip, 1360);
  assert.ok(byId('intel-modern').hvm.exitRoundTrip < byId('core2-2007').hvm.exitRoundTrip);
  // Skylake: 64-entry 4-way L1 DTLB, 1,536-entry 12-way STLB
  const t = byId('intel-modern').tlb;
  assert.equal(t.l1.sets * t.l1.ways, 64);
  assert.equal(t.l2.sets * t.l2.ways, 1536);
  // the 2007 part has none of the later features
  assert.deepEqual(byId('core2-2007').features, { ept: false, vpid: false, pcid: false, apicv: false, gbPages: false });
  // devices are the same for every profile
  for (const p of listProfiles()) assert.deepEqual(p.devices, byId('intel-modern').devices);
});
