// The curated data itself: every case cites its source, every band says why it is that wide, a missing number
// says what was searched, and the known-outside list names only real cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VALIDATION_CASES } from '../../../harness/validate/cases.ts';
import { KNOWN_OUTSIDE } from '../../../harness/validate/known-outside.ts';

test('ids are unique and every case cites source, place and machine', () => {
  const ids = VALIDATION_CASES.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const c of VALIDATION_CASES) {
    assert.ok(c.source.citation.length > 10, c.id);
    assert.ok(c.source.where.length > 0, c.id);
    assert.ok(c.source.machine.length > 0, c.id);
  }
});

test('a band has lo ≤ hi and a reason; no band means no number, and says why', () => {
  for (const c of VALIDATION_CASES) {
    if (c.band) {
      assert.ok(c.band.lo <= c.band.hi, c.id);
      assert.ok(c.band.reason.length > 10, c.id);
      if (c.published !== null) assert.ok(c.band.lo <= c.published && c.published <= c.band.hi, `${c.id}: published value inside its own band`);
    } else {
      assert.equal(c.published, null, c.id);
      assert.ok((c.missing ?? '').length > 10, c.id);
    }
  }
});

test('every known-outside entry names a case with a band and says what the model lacks', () => {
  for (const [id, reason] of Object.entries(KNOWN_OUTSIDE)) {
    const c = VALIDATION_CASES.find((x) => x.id === id);
    assert.ok(c, `known-outside lists unknown case ${id}`);
    assert.ok(c.band, `${id} has no band to be outside of`);
    assert.match(reason, /model lacks/, id);
  }
});

test('the issue\'s required sources are all present', () => {
  for (const group of ['kvm-unit-tests/', 'hyperbench/', 'xen-2003/', 'vmware-ept/', 'redis-fork/', 'bhargava/', 'gandhi/', 'hagimont/']) {
    assert.ok(VALIDATION_CASES.some((c) => c.id.startsWith(group)), group);
  }
  for (const t of ['cpuid', 'vmcall', 'mov_to_cr8', 'inl_from_pmtimer', 'inl_from_qemu', 'ipi', 'tscdeadline_immed']) {
    assert.ok(VALIDATION_CASES.some((c) => c.id === `kvm-unit-tests/${t}`), t);
  }
});
