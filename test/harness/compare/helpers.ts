// Shared by the compare tests: find and doctor runs of the synthetic results fixture.
import type { ResultsFile, RunResult, TimingStats } from '../../../harness/results.ts';

export function findRun(results: ResultsFile, workload: string, engine: string): RunResult {
  const run = results.runs.find((r) => r.workload === workload && r.engine === engine);
  if (!run) throw new Error(`fixture has no run ${workload} · ${engine}`);
  return run;
}

/** timing statistics over the given samples (the shape tinybench's become in harness/timing.ts) */
export function timingOf(samplesMs: number[]): TimingStats {
  const meanMs = samplesMs.reduce((a, b) => a + b, 0) / samplesMs.length;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { meanMs, p75Ms: sorted[Math.floor(sorted.length * 0.75)], p99Ms: sorted[sorted.length - 1], rme: 2, samples: samplesMs.length, samplesMs };
}

/** noisy samples around `mean`: a fixed ±`spread` zig-zag, so two series with different means overlap */
export function noisy(mean: number, spread: number, n = 12): number[] {
  return Array.from({ length: n }, (_, k) => mean + spread * (((k * 5) % 7) / 3 - 1));
}
