// The `timing` block of each run (hyperfine / tinybench style, docs/architecture.md#statistics): host wall-clock time to simulate
// (or, for measured engines, to run) a pair. Not model output: it says what the run cost this host, and
// `compare` judges it. A run is flagged noisy only when its relative margin of error exceeds NOISY_RME — a
// mean known to ±10 % is still good enough to read, so ordinary jitter raises no warning.
import type { ResultsFile, RunResult, TimingStats } from '../harness/results.ts';
import { engineLabels, findRun, workloadList } from './model.ts';

/** percent: above this rme a run's mean is too uncertain to compare */
export const NOISY_RME = 10;

export function isNoisy(timing: TimingStats): boolean {
  return timing.rme > NOISY_RME;
}

export interface TimedRun {
  run: RunResult;
  timing: TimingStats;
}

/** every run that has timing, in report order (workloads, then engines) */
export function timedRuns(results: ResultsFile): TimedRun[] {
  const out: TimedRun[] = [];
  for (const w of workloadList(results)) {
    for (const engine of engineLabels(results)) {
      const run = findRun(results, w.id, engine);
      if (run?.timing) out.push({ run, timing: run.timing });
    }
  }
  return out;
}

export interface TimingSummary {
  runs: number;
  /** sum of the runs' means: one pass over every pair, ms */
  totalMeanMs: number;
  slowest: TimedRun | null;
  noisy: TimedRun[];
}

export function timingSummary(results: ResultsFile): TimingSummary {
  const timed = timedRuns(results);
  let slowest: TimedRun | null = null;
  for (const t of timed) if (!slowest || t.timing.meanMs > slowest.timing.meanMs) slowest = t;
  return {
    runs: timed.length,
    totalMeanMs: timed.reduce((s, t) => s + t.timing.meanMs, 0),
    slowest,
    noisy: timed.filter((t) => isNoisy(t.timing)),
  };
}

/** an engine whose timed runs say their timings mean nothing here (measured.timingsRepresentative false): its
 *  label and the reason its first such run gives */
export interface UnrepresentativeTimings {
  engine: string;
  note: string;
}

export function unrepresentativeTimings(results: ResultsFile): UnrepresentativeTimings[] {
  const out = new Map<string, string>();
  for (const { run } of timedRuns(results)) {
    if (run.measured?.timingsRepresentative !== false || out.has(run.engine)) continue;
    const note = run.measured.timingsNote;
    out.set(run.engine, typeof note === 'string' ? note : 'the engine says so');
  }
  return [...out].map(([engine, note]) => ({ engine, note }));
}
