// The verdict on one metric of one run. Which way is worse, and whether a change is relative or in points, is
// the metric's own property (metrics.ts `metricSpec`): higher is worse for every counter and timing; for the
// power section's shares of booked / entitled capacity and its fairness index, lower is worse.
// - Deterministic counters and power metrics: exact. Δ% = (head − base) / base; a worsening over the threshold
//   is a regression, any other change (a smaller worsening, or an improvement) is "changed". From a base of 0,
//   any increase is +∞ %.
// - overheadPct is judged in percentage points, not relative: it is already a percentage, and relative change
//   of a small overhead cries wolf (0.5 % → 0.6 % would be "+20 %"). `overheadPct=2%` allows +2 pp. The power
//   fairness index (0..1) is judged the same way in points of the index × 100: `…fairness=2%` allows −0.02.
// - timing.meanMs (judged only when selected): a regression only when the mean is over the threshold AND
//   Welch's t-test on the retained samples says the difference is significant after Holm's correction over
//   every timing compared (adjusted p < α); a significant decrease past the threshold is "changed"; anything
//   else is noise and "ok" (Firecracker's A/B rule: significance and size, docs/architecture.md#statistics).
import type { TimingStats } from '../results.ts';
import { metricSpec } from './metrics.ts';
import { holmAdjust, welchTTest, type WelchResult } from './stats.ts';

export type Status = 'regression' | 'changed' | 'ok';

export interface Judgement {
  status: Status;
  /** head − base (percentage points for overheadPct); null when one side is missing */
  delta: number | null;
  /** relative change in percent, +Infinity from a base of 0; null when undefined */
  deltaPct: number | null;
  /** the worsening compared against the threshold (positive: worse): ±deltaPct, or ±delta in points for metrics
   *  judged in points (overheadPct, fairness); the sign follows the metric's direction */
  judged: number | null;
  /** timing only: the significance test */
  test?: WelchResult;
  note?: string;
}

export function relativeChangePct(base: number, head: number): number {
  if (base === 0) return head === 0 ? 0 : head > 0 ? Infinity : -Infinity;
  return ((head - base) / Math.abs(base)) * 100;
}

export function judgeCounter(metric: string, base: number | null, head: number | null, thresholdPct: number): Judgement {
  if (base === null || head === null) {
    const missing = base === null ? 'BASE' : 'HEAD';
    return { status: 'changed', delta: null, deltaPct: null, judged: null, note: `no value in ${missing}` };
  }
  const delta = head - base;
  const deltaPct = relativeChangePct(base, head);
  const spec = metricSpec(metric);
  const change = spec.judgedIn === 'points' ? delta * spec.pointsPerUnit : deltaPct;
  const judged = spec.worse === 'lower' ? -change : change;
  const status: Status = judged > thresholdPct ? 'regression' : delta !== 0 ? 'changed' : 'ok';
  return { status, delta, deltaPct, judged };
}

export interface TimingPair {
  base: TimingStats;
  head: TimingStats;
  thresholdPct: number;
}

/**
 * Judge a family of timing comparisons together: Welch's t-test per pair, p-values adjusted for the family by
 * Holm's method (stats.ts `holmAdjust`), then significance (adjusted p < α) and size (the mean moved by more
 * than the pair's threshold, the minimum effect size) must both hold. Pairs with fewer than two samples a side
 * are not tested and do not count in the family.
 */
export function judgeTimings(pairs: readonly TimingPair[], alpha: number): Judgement[] {
  const tests = pairs.map(({ base, head }) => (base.samplesMs.length < 2 || head.samplesMs.length < 2 ? null : welchTTest(base.samplesMs, head.samplesMs)));
  const tested = tests.flatMap((t, i) => (t === null ? [] : [i]));
  const adjusted = holmAdjust(tested.map((i) => (tests[i] as WelchResult).p));
  const adjustedOf = new Map(tested.map((i, k) => [i, adjusted[k]]));
  return pairs.map(({ base, head, thresholdPct }, i) => {
    const delta = head.meanMs - base.meanMs;
    const deltaPct = relativeChangePct(base.meanMs, head.meanMs);
    const test = tests[i];
    if (test === null) return { status: 'ok', delta, deltaPct, judged: deltaPct, note: 'too few samples to test significance' };
    const p = adjustedOf.get(i) as number;
    const significant = p < alpha;
    const pText = tested.length > 1 ? `p = ${formatP(p)} (Holm, ${tested.length} timings)` : `p = ${formatP(p)}`;
    if (significant && deltaPct > thresholdPct) return { status: 'regression', delta, deltaPct, judged: deltaPct, test, note: `significant, ${pText}` };
    if (significant && deltaPct < -thresholdPct) return { status: 'changed', delta, deltaPct, judged: deltaPct, test, note: `significantly faster, ${pText}` };
    const why = significant ? `within ${thresholdPct} %` : 'not significant';
    return { status: 'ok', delta, deltaPct, judged: deltaPct, test, note: `${why}, ${pText}` };
  });
}

export function formatP(p: number): string {
  if (p === 0) return '0';
  if (p < 1e-4) return p.toExponential(1);
  return p.toFixed(4);
}
