// The one-line verdict and the exit code (issue 6): 0 no regression, 1 regression per --fail-on.
//   regression  (default) fail on any ❌ row: a metric over its threshold, a significant slower timing, a run
//               that fails in HEAD
//   any-change  also fail on ⚠️ rows (any counter change, a significant timing change) and on added or
//               removed runs
//   never       report only
// Exit code 2 (bad input) is not decided here: it is a UsageError thrown while loading or checking files.
import type { Comparison, MetricRow } from './compare.ts';
import { runLabel } from './match.ts';
import { formatDeltaPct } from './cells.ts';

export const FAIL_ON = ['regression', 'any-change', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface Verdict {
  regressions: number;
  changes: number;
  exitCode: 0 | 1;
  /** e.g. "❌ 2 regressions in 1 run (worst: cpu/syscall · kvm exits.total +10.0 %)" */
  line: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function describe(row: MetricRow): string {
  const what = row.note !== undefined && row.deltaPct === null ? row.note : formatDeltaPct(row);
  return `${runLabel(row.run)} ${row.metric} ${what}`;
}

export function verdict(comparison: Comparison, failOn: FailOn): Verdict {
  const regressed = comparison.rows.filter((r) => r.status === 'regression');
  const changed = comparison.rows.filter((r) => r.status === 'changed');
  const runChanges = comparison.added.length + comparison.removed.length;
  const failed = failOn === 'regression' ? regressed.length > 0 : failOn === 'any-change' ? regressed.length + changed.length + runChanges > 0 : false;

  const extras: string[] = [];
  if (changed.length > 0) extras.push(`${plural(changed.length, 'change')} within threshold or improving`);
  if (comparison.added.length > 0) extras.push(`${plural(comparison.added.length, 'run')} added`);
  if (comparison.removed.length > 0) extras.push(`${plural(comparison.removed.length, 'run')} removed`);
  const tail = extras.length > 0 ? `; ${extras.join(', ')}` : '';

  let line: string;
  if (regressed.length > 0) {
    const runs = new Set(regressed.map((r) => runLabel(r.run))).size;
    line = `❌ ${plural(regressed.length, 'regression')} in ${plural(runs, 'run')} (worst: ${describe(regressed[0])})${tail}`;
  } else if (changed.length > 0 || runChanges > 0) {
    line = `⚠️ no regression${tail}`;
  } else {
    line = `✅ no regression: ${plural(comparison.rows.length, 'metric')} across ${plural(comparison.runsCompared, 'run')} within threshold`;
  }
  if (failOn !== 'regression') line += ` — --fail-on ${failOn}: ${failed ? 'failing' : 'passing'}`;
  return { regressions: regressed.length, changes: changed.length, exitCode: failed ? 1 : 0, line };
}
