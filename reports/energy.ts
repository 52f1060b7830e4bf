// Per-run energy (RunResult.energyJ, engines/power/run-energy.ts) for the terminal table and summary.md.
import type { ResultsFile, RunResult } from '../harness/results.ts';
import { findRun } from './model.ts';

/** three significant digits without exponent: `0.240 J`, `4.70 J`, `1234 J` */
export function formatJoules(j: number): string {
  if (j >= 1000) return `${Math.round(j)} J`;
  return `${Number(j.toPrecision(3)).toString()} J`;
}

export function energyText(run: RunResult): string {
  return run.error || run.energyJ === undefined ? '' : formatJoules(run.energyJ);
}

/** `kvm 0.24 J, xen 0.47 J` for one workload, '' when no run has an energy */
export function energyLine(results: ResultsFile, workloadId: string, engines: readonly string[]): string {
  return engines
    .flatMap((e) => {
      const run = findRun(results, workloadId, e);
      const text = run ? energyText(run) : '';
      return text ? [`${e} ${text}`] : [];
    })
    .join(', ');
}
