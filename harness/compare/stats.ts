// Significance test for wall-clock timings: Welch's unequal-variances t-test on the samples tinybench retained.
// The Student t distribution's CDF is computed through the regularized incomplete beta function,
// I_x(a, b), evaluated by its continued fraction with the modified Lentz method (Numerical Recipes in C,
// 2nd ed., §6.4 `betai`/`betacf`; Abramowitz & Stegun 26.5.8), and ln Γ by the Lanczos approximation
// (Numerical Recipes §6.1 `gammln`). The two-sided tail is A(t|ν) = 1 − I_{ν/(ν+t²)}(ν/2, 1/2)
// (Abramowitz & Stegun 26.7.1; Numerical Recipes eq. 6.4.9).

const LANCZOS = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];

/** ln Γ(x) for x > 0 (Numerical Recipes §6.1, Lanczos with γ = 5, N = 6; |ε| < 2e-10) */
export function lnGamma(x: number): number {
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const c of LANCZOS) ser += c / ++y;
  return -tmp + Math.log((2.5066282746310005 * ser) / x);
}

/** continued fraction for I_x(a, b), modified Lentz method (Numerical Recipes §6.4 `betacf`) */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const MAX_ITERATIONS = 300;
  const EPS = 3e-16;
  const FPMIN = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    // even step d_{2m}
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    // odd step d_{2m+1}
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new Error(`incomplete beta: continued fraction did not converge for a=${a}, b=${b}, x=${x}`);
}

/** regularized incomplete beta function I_x(a, b), 0 ≤ x ≤ 1 (Numerical Recipes §6.4 `betai`) */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x < 0 || x > 1 || Number.isNaN(x)) throw new RangeError(`incomplete beta: x=${x} outside [0, 1]`);
  if (x === 0 || x === 1) return x;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // the continued fraction converges fast for x < (a+1)/(a+b+2); otherwise use I_x(a,b) = 1 − I_{1−x}(b,a)
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(|T| ≥ |t|) for Student's t with ν degrees of freedom (A&S 26.7.1: 1 − A(t|ν) = I_{ν/(ν+t²)}(ν/2, ½)) */
export function studentTTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

export interface WelchResult {
  /** t statistic of mean(head) − mean(base): positive when head is slower */
  t: number;
  /** Welch–Satterthwaite degrees of freedom */
  df: number;
  /** two-sided p-value */
  p: number;
}

function meanAndVariance(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

/**
 * Welch's t-test (B. L. Welch, Biometrika 34, 1947), two-sided, for mean(head) vs mean(base). Each sample
 * needs at least two values. Two constant samples with different means are infinitely significant (p = 0);
 * with equal means, p = 1.
 */
export function welchTTest(base: readonly number[], head: readonly number[]): WelchResult {
  if (base.length < 2 || head.length < 2) throw new RangeError('Welch t-test needs at least two samples on each side');
  const b = meanAndVariance(base);
  const h = meanAndVariance(head);
  const vb = b.variance / base.length;
  const vh = h.variance / head.length;
  const diff = h.mean - b.mean;
  const se2 = vb + vh;
  if (se2 === 0) return diff === 0 ? { t: 0, df: base.length + head.length - 2, p: 1 } : { t: Math.sign(diff) * Infinity, df: base.length + head.length - 2, p: 0 };
  const t = diff / Math.sqrt(se2);
  const df = (se2 * se2) / ((vb * vb) / (base.length - 1) + (vh * vh) / (head.length - 1));
  return { t, df, p: studentTTwoSided(t, df) };
}

/**
 * Holm's step-down adjusted p-values (S. Holm, "A simple sequentially rejective multiple test procedure",
 * Scand. J. Statistics 6, 1979): with the m p-values sorted ascending, p̃₍ᵢ₎ = max over j ≤ i of
 * min(1, (m − j + 1) · p₍ⱼ₎). Rejecting where p̃ < α keeps the family-wise error rate at α across all m tests,
 * so ninety-six timing comparisons at α = 0.01 no longer yield a false alarm about every other run.
 * Returned in the input's order.
 */
export function holmAdjust(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[index]));
    adjusted[index] = running;
  });
  return adjusted;
}
