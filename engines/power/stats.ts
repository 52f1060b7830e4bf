// Means and 95 % confidence intervals of a power result over several seeds, and its spread over the
// governors' sampling phase. The interval is Student's t: mean ± t(0.975, n − 1) · s / √n, with s the
// sample standard deviation; t from the standard table (e.g. 2.776 for 4 degrees of freedom).
import type { PowerInterval } from './types.ts';

/** t(0.975, df) for df = 1 … 30 (`--seeds` takes up to 31 seeds: harness/limits.ts MAX_SEEDS) */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
  2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
  2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042];

export function interval(xs: readonly number[]): PowerInterval {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { mean, lo: mean, hi: mean };
  if (n - 1 > T_975.length) throw new RangeError(`interval: at most ${T_975.length + 1} samples (got ${n})`);
  const variance = xs.reduce((s, x) => s + (x - mean) * (x - mean), 0) / (n - 1);
  const half = (T_975[n - 2] * Math.sqrt(variance)) / Math.sqrt(n);
  return { mean, lo: mean - half, hi: mean + half };
}

export function spread(xs: readonly number[]): number {
  return Math.max(...xs) - Math.min(...xs);
}
