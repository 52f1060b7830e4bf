import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageRecency } from '../../../engines/machine/page-recency.ts';

test('a page is held until another page of its slot (frame mod pages) is touched', () => {
  const r = new PageRecency(4);
  assert.equal(r.touch(5), false, 'first touch: not held');
  assert.equal(r.touch(5), true);
  // 6, 7 and 8 take slots 2, 3 and 0: frame 5 (slot 1) stays
  for (const f of [6, 7, 8]) assert.equal(r.touch(f), false);
  assert.equal(r.touch(5), true);
  // 9 is slot 1: frame 5 is gone, and 9 with it once 5 comes back
  assert.equal(r.touch(9), false);
  assert.equal(r.touch(5), false);
  assert.equal(r.touch(9), false);
});

test('frame 0 is a frame like any other, and frames beyond 2^32 take their low bits as the slot', () => {
  const r = new PageRecency(8);
  assert.equal(r.touch(0), false, 'slots start empty, not holding frame 0');
  assert.equal(r.touch(0), true);
  const high = 2 ** 40 + 3;
  assert.equal(r.touch(high), false);
  assert.equal(r.touch(3), false, 'slot 3: 2^40 + 3 evicted by 3');
  assert.equal(r.touch(high), false, 'and back');
  assert.equal(r.touch(high), true);
});

test('random touches over W pages hit S / W of the time in a table of S pages', () => {
  const S = 256;
  const W = 1024;
  const r = new PageRecency(S);
  // a fixed linear congruential sequence (Numerical Recipes' constants), its top 10 bits as the page (an LCG's
  // low bits cycle with a short period): deterministic
  let x = 12345;
  let hits = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    if (r.touch(x >>> 22)) hits++;
  }
  // expected 0.25; a binomial's standard deviation over 200,000 is 0.001, the band is 10 of them
  assert.ok(Math.abs(hits / n - S / W) < 0.01, `hit rate ${hits / n}`);
});

test('a size that is not a power of two is refused', () => {
  for (const pages of [0, 3, 1.5, -4]) assert.throws(() => new PageRecency(pages), /power of two/);
});
