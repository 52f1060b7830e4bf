// The one-line verdict and the exit code (docs/ci.md): 0 no regression, 1 regression per --fail-on.
//   regression  (default) fail on any ❌ row: a metric worse by more than its threshold (power metrics
//               included), a significant slower timing, a run that fails in HEAD
//   any-change  also fail on ⚠️ rows (any counter or power change, a significant timing change) and on added
//               or removed runs and power runs
//   never       report only
// Exit code 2 (bad input) is not decided here: it is a UsageError thrown while loading or checking files.
import type { Comparison } from './compare.ts';
import { subjectLabel } from './match.ts';
import { formatDeltaPct, metricCell } from './cells.ts';
import { worstFirst, type AnyRow } from './row.ts';
import type { FailOn } from './choices.ts';


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

function describe(row: AnyRow): string {
  const what = row.note !== undefined && row.deltaPct === null ? row.note : formatDeltaPct(row);
  return `${subjectLabel(row.run)} ${metricCell(row)} ${what}`;
}

export function verdict(comparison: Comparison, failOn: FailOn): Verdict {
  const { power } = comparison;
  const rows: AnyRow[] = [...comparison.rows, ...power.rows].sort(worstFirst);
  const regressed = rows.filter((r) => r.status === 'regression');
  const changed = rows.filter((r) => r.status === 'changed');
  const runChanges = comparison.added.length + comparison.removed.length + power.added.length + power.removed.length;
  const failed = failOn === 'regression' ? regressed.length > 0 : failOn === 'any-change' ? regressed.length + changed.length + runChanges > 0 : false;

  const extras: string[] = [];
  if (changed.length > 0) extras.push(`${plural(changed.length, 'change')} within threshold or improving`);
  if (comparison.added.length > 0) extras.push(`${plural(comparison.added.length, 'run')} added`);
  if (comparison.removed.length > 0) extras.push(`${plural(comparison.removed.length, 'run')} removed`);
  if (power.added.length > 0) extras.push(`${plural(power.added.length, 'power run')} added`);
  if (power.removed.length > 0) extras.push(`${plural(power.removed.length, 'power run')} removed`);
  const tail = extras.length > 0 ? `; ${extras.join(', ')}` : '';

  let line: string;
  if (regressed.length > 0) {
    const runs = new Set(regressed.map((r) => subjectLabel(r.run))).size;
    line = `❌ ${plural(regressed.length, 'regression')} in ${plural(runs, 'run')} (worst: ${describe(regressed[0])})${tail}`;
  } else if (changed.length > 0 || runChanges > 0) {
    line = `⚠️ no regression${tail}`;
  } else {
    const powerRuns = power.runsCompared > 0 ? ` and ${plural(power.runsCompared, 'power run')}` : '';
    line = `✅ no regression: ${plural(rows.length, 'metric')} across ${plural(comparison.runsCompared, 'run')}${powerRuns} within threshold`;
  }
  if (comparison.notJudged !== null) line += ` (${comparison.notJudged})`;
  if (failOn !== 'regression') line += ` — --fail-on ${failOn}: ${failed ? 'failing' : 'passing'}`;
  return { regressions: regressed.length, changes: changed.length, exitCode: failed ? 1 : 0, line };
}
