// Shared by the compare tests: find and doctor runs of the synthetic results fixture, and give it a power section.
import type { ResultsFile, RunResult, TimingStats } from '../../../harness/results.ts';
import { runPowerSuite, type PowerResults, type PowerRun } from '../../../engines/power/index.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { hagimontCapped } from '../../../workloads/power/hagimont-capped.ts';

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

/** the power suite's Hagimont scenario (12 power runs), computed once; `withPower` gives each caller a copy */
const POWER: PowerResults = runPowerSuite({ profile: getProfile('intel-modern'), seed: 1, scenarios: [hagimontCapped] });

/** `results` with a power section attached (a fresh copy, free to doctor) */
export function withPower(results: ResultsFile): ResultsFile {
  return { ...results, power: structuredClone(POWER) };
}

export function findPowerRun(results: ResultsFile, scenario: string, design: string, policy: string): PowerRun {
  const run = results.power?.runs.find((r) => r.scenario === scenario && r.design === design && r.policy === policy);
  if (!run) throw new Error(`no power run ${scenario} · ${design} · ${policy}`);
  return run;
}
