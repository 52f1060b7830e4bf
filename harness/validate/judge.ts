// A case's verdict from its value, its band and the known-outside list. Only a case that leaves its band (or
// cannot run) without being listed fails `hvbench validate`; a listed case that now passes is flagged so the
// listing can be removed.
import type { CaseResult, ValidationCase } from './types.ts';

/** relative slack for a band edge: values computed as ratios of large cycle counts are not bit-exact fractions */
const EDGE_SLACK = 1e-9;

export function inBand(value: number, lo: number, hi: number): boolean {
  if (!Number.isFinite(value)) return false;
  const slack = (x: number) => (Number.isFinite(x) ? Math.abs(x) * EDGE_SLACK : 0);
  return value >= lo - slack(lo) && value <= hi + slack(hi);
}

export function judge(c: ValidationCase, value: number | null, known: string | undefined, error?: string): CaseResult {
  if (error !== undefined) {
    return known !== undefined
      ? { id: c.id, value: null, status: 'known-outside', note: `${known} (${error})` }
      : { id: c.id, value: null, status: 'error', note: error };
  }
  if (c.band === null || value === null) return { id: c.id, value, status: 'no-number', note: c.missing };
  const inside = inBand(value, c.band.lo, c.band.hi);
  if (known !== undefined) {
    return inside
      ? { id: c.id, value, status: 'unexpected-pass', note: `listed as known-outside but inside its band: remove it from harness/validate/known-outside.ts (${known})` }
      : { id: c.id, value, status: 'known-outside', note: known };
  }
  return { id: c.id, value, status: inside ? 'pass' : 'outside' };
}

/** `hvbench validate`'s exit code: 1 when any case is outside its band or cannot run without being listed */
export function exitCode(results: readonly CaseResult[]): number {
  return results.some((r) => r.status === 'outside' || r.status === 'error') ? 1 : 0;
}
