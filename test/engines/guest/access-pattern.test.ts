import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessPatternCursor } from '../../../engines/guest/access-pattern.ts';
import { Rng } from '../../../engines/rng.ts';

const take = (c: AccessPatternCursor, n: number) => Array.from({ length: n }, () => c.next());

test('seq and stride walk the region and wrap at its end', () => {
  assert.deepEqual(take(new AccessPatternCursor('seq', 3, 1, new Rng(1)), 7), [0, 1, 2, 0, 1, 2, 0]);
  // stride 3 over 8 units: 0, 3, 6, 9 mod 8 = 1, 4, 7, 10 mod 8 = 2, 5
  assert.deepEqual(take(new AccessPatternCursor('stride', 8, 3, new Rng(1)), 8), [0, 3, 6, 1, 4, 7, 2, 5]);
});

test('a stride near 2^53 keeps exact positions (i × stride would lose precision)', () => {
  // (2^52 + 1) mod 4 = 1: the stride behaves as 1 unit, forever
  const c = new AccessPatternCursor('stride', 4, 2 ** 52 + 1, new Rng(1));
  assert.deepEqual(take(c, 6), [0, 1, 2, 3, 0, 1]);
  // (2^53 − 1) mod 10 = 9007199254740991 mod 10 = 1
  assert.deepEqual(take(new AccessPatternCursor('stride', 10, 2 ** 53 - 1, new Rng(1)), 3), [0, 1, 2]);
});
