// Jain's fairness index (Jain, Chiu & Hawe, DEC-TR-301, 1984): (Σx)² / (n · Σx²), 1 when every x is equal,
// 1/n when one party gets everything. Here x is the share of its entitlement a VM received, capped at 1 so
// that a VM enjoying idle capacity beyond its booking does not count as unfairness to the others.
export function jainIndex(xs: readonly number[]): number {
  if (xs.length === 0) return 1;
  let sum = 0;
  let sumSq = 0;
  for (const x of xs) {
    sum += x;
    sumSq += x * x;
  }
  return sumSq === 0 ? 1 : (sum * sum) / (xs.length * sumSq);
}
