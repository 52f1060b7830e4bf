import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holmAdjust, incompleteBeta, lnGamma, studentTTwoSided, welchTTest } from '../../../harness/compare/stats.ts';

const close = (actual: number, expected: number, tol: number) => assert.ok(Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected} ± ${tol}`);

test('lnGamma matches closed forms: Γ(1/2) = √π, Γ(5) = 24', () => {
  close(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-10);
  close(lnGamma(5), Math.log(24), 1e-10);
});

test('incompleteBeta matches closed forms and reference values', () => {
  // I_x(1, 1) = x; I_x(a, 1) = x^a
  close(incompleteBeta(0.3, 1, 1), 0.3, 1e-12);
  close(incompleteBeta(0.6, 3, 1), 0.6 ** 3, 1e-12);
  // scipy.special.betainc(2.5, 0.5, 0.3) and betainc(10, 20, 0.4) (the second takes the symmetric branch)
  close(incompleteBeta(0.3, 2.5, 0.5), 0.018927124071945658, 1e-10);
  close(incompleteBeta(0.4, 10, 20), 0.7853183897628262, 1e-9);
  assert.equal(incompleteBeta(0, 2, 3), 0);
  assert.equal(incompleteBeta(1, 2, 3), 1);
});

test('studentTTwoSided reproduces t-table values', () => {
  // ν = 1 is the Cauchy distribution: P(|T| ≥ 1) = 1/2 exactly
  close(studentTTwoSided(1, 1), 0.5, 1e-12);
  // t-table critical values: t(0.975, 10) = 2.228 → p ≈ 0.05; t(0.995, 10) = 3.169 → p ≈ 0.01
  close(studentTTwoSided(2.228, 10), 0.05, 2e-4);
  close(studentTTwoSided(3.169, 10), 0.01, 1e-4);
  // ν = 3, t = 2: 2·(1 − F) = 0.139326 (closed form for odd ν; scipy 2*t.sf(2, 3))
  close(studentTTwoSided(2, 3), 0.13932596855884305, 1e-10);
  assert.equal(studentTTwoSided(0, 7), 1);
  assert.equal(studentTTwoSided(Infinity, 7), 0);
});

test("welchTTest reproduces the textbook example (Wikipedia, Welch's t-test, A1 vs A2)", () => {
  const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
  const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
  // reference: scipy.stats.ttest_ind(a2, a1, equal_var=False) → t = 2.45536, df = 24.9885, p = 0.021378
  const r = welchTTest(a1, a2);
  close(r.t, 2.455356398286006, 1e-9);
  close(r.df, 24.988529290231416, 1e-9);
  close(r.p, 0.021378001462866992, 1e-9);
  // swapping the sides flips the sign of t, not p
  const swapped = welchTTest(a2, a1);
  close(swapped.t, -r.t, 1e-12);
  close(swapped.p, r.p, 1e-12);
});

test('welchTTest by hand: unequal sizes and variances', () => {
  // base [1,2,3]: mean 2, s² = 1; head [4,6,8,10]: mean 7, s² = 20/3
  // se² = 1/3 + 5/3 = 2 → t = 5/√2 = 3.5355; df = 2² / ((1/3)²/2 + (5/3)²/3) = 4 / (53/54) = 216/53 = 4.0755
  const r = welchTTest([1, 2, 3], [4, 6, 8, 10]);
  close(r.t, 5 / Math.SQRT2, 1e-12);
  close(r.df, 216 / 53, 1e-12);
  close(r.p, 0.02337676760030371, 1e-9); // 2 * scipy.stats.t.sf(5/√2, 216/53)
});

test('welchTTest on constant samples: equal means p = 1, different means p = 0', () => {
  assert.equal(welchTTest([2, 2, 2], [2, 2]).p, 1);
  const r = welchTTest([2, 2, 2], [3, 3]);
  assert.equal(r.p, 0);
  assert.equal(r.t, Infinity);
  assert.throws(() => welchTTest([1], [1, 2]), RangeError);
});

test("holmAdjust: Holm's step-down adjusted p-values, in the input's order", () => {
  // sorted: 0.005 ×4 = 0.02; 0.01 ×3 = 0.03; 0.03 ×2 = 0.06; 0.04 ×1 = 0.04, raised to the running max 0.06
  const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
  [0.03, 0.06, 0.06, 0.02].forEach((p, i) => close(adjusted[i], p, 1e-15));
  // capped at 1; a family of one is unadjusted; an empty family is empty
  assert.deepEqual(holmAdjust([0.5, 0.6]), [1, 1]);
  assert.deepEqual(holmAdjust([0.2]), [0.2]);
  assert.deepEqual(holmAdjust([]), []);
});
