import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { profileHash } from '../../harness/profile-hash.ts';
import { INTEL_MODERN } from '../../engines/machine/profiles/intel-modern.ts';
import { AMD_MODERN } from '../../engines/machine/profiles/amd-modern.ts';
import type { CostProfile } from '../../engines/machine/profile.ts';

test('the hash is SHA-256 of the canonical JSON: key order does not matter, content does', () => {
  const tiny = { b: 1, a: { d: [1, { f: 2, e: 3 }], c: 'x' } } as unknown as CostProfile;
  const reordered = { a: { c: 'x', d: [1, { e: 3, f: 2 }] }, b: 1 } as unknown as CostProfile;
  // by hand: keys sorted at every level, array order kept
  const expected = createHash('sha256').update('{"a":{"c":"x","d":[1,{"e":3,"f":2}]},"b":1}').digest('hex');
  assert.equal(profileHash(tiny), `sha256:${expected}`);
  assert.equal(profileHash(reordered), profileHash(tiny));
});

test('a profile that keeps the id intel-modern with one cost changed has another hash', () => {
  const copy = structuredClone(INTEL_MODERN);
  assert.equal(profileHash(copy), profileHash(INTEL_MODERN));
  const changed = JSON.parse(JSON.stringify(INTEL_MODERN)) as CostProfile & { ghz: number };
  changed.ghz += 0.1;
  assert.equal(changed.id, 'intel-modern');
  assert.notEqual(profileHash(changed), profileHash(INTEL_MODERN));
  assert.notEqual(profileHash(AMD_MODERN), profileHash(INTEL_MODERN));
  assert.match(profileHash(INTEL_MODERN), /^sha256:[0-9a-f]{64}$/);
});
