import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interval, spread } from '../../../engines/power/stats.ts';

test("95 % t-interval: 5 samples 1…5 have mean 3, s = √2.5, half-width 2.776 · √2.5 / √5 = 1.963", () => {
  const { mean, lo, hi } = interval([1, 2, 3, 4, 5]);
  assert.equal(mean, 3);
  assert.ok(Math.abs(hi - 3 - 2.776 * Math.sqrt(0.5)) < 1e-12);
  assert.ok(Math.abs(3 - lo - 2.776 * Math.sqrt(0.5)) < 1e-12);
});

test('one sample, or equal samples, give a zero-width interval; too many samples for the t table are refused', () => {
  assert.deepEqual(interval([7]), { mean: 7, lo: 7, hi: 7 });
  assert.deepEqual(interval([2, 2, 2]), { mean: 2, lo: 2, hi: 2 });
  assert.throws(() => interval(new Array(32).fill(1)), /at most 31 samples/);
});

test('31 samples use t(0.975, 30) = 2.042: the values 0 and 1, 15 and 16 times, have mean 16/31', () => {
  const xs = [...new Array(15).fill(0), ...new Array(16).fill(1)];
  // s² = (15·(16/31)² + 16·(15/31)²) / 30 = 15·16·31 / (31² · 30) = 8/31
  const half = 2.042 * Math.sqrt(8 / 31) / Math.sqrt(31);
  const { mean, hi } = interval(xs);
  assert.ok(Math.abs(mean - 16 / 31) < 1e-12);
  assert.ok(Math.abs(hi - mean - half) < 1e-12);
});

test('spread is max − min', () => {
  assert.equal(spread([3, 9, 4]), 6);
});
