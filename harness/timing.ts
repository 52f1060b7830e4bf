// Wall-clock cost of one (workload, engine) pair, measured with tinybench: the host-side cost of simulating
// (or of running a real guest, for measured engines). Kept apart from the deterministic counters: it depends
// on the machine and its load, so it lives in `timing` only and `compare` tests it for significance.
import { Bench } from 'tinybench';
import type { TimingStats } from './results.ts';

export interface TimingBudget {
  /** minimum iterations (tinybench keeps going until both this and `timeMs` are met) */
  iterations: number;
  /** time budget in ms */
  timeMs: number;
}

/** simulated pairs take milliseconds: 10 samples or 150 ms give a mean with an rme of a few percent */
export const SIMULATED_BUDGET: TimingBudget = { iterations: 10, timeMs: 150 };
/** a measured pair boots a real VM per sample: few samples, no time budget beyond them */
export const MEASURED_BUDGET: TimingBudget = { iterations: 3, timeMs: 0 };
/** at most this many samples are kept in results.json for `compare`'s significance test */
const KEPT_SAMPLES = 64;

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export async function measureTiming(fn: () => unknown, budget: TimingBudget): Promise<TimingStats> {
  const bench = new Bench({
    iterations: budget.iterations,
    time: budget.timeMs,
    // two unmeasured runs first: the counters run already compiled the engine, but a pair's own shapes
    // (its workload's op mix) still reach the optimizing JIT during the first repeats
    warmup: true,
    warmupIterations: 2,
    warmupTime: 0,
    retainSamples: true,
    throws: true,
  });
  bench.add('pair', fn);
  await bench.run();
  const result = bench.tasks[0].result;
  if (result.state !== 'completed') throw new Error(`timing did not complete (${result.state})`);
  const latency = result.latency;
  const samples = [...(latency.samples ?? [])];
  // keep an evenly spaced subset of the sorted samples: the distribution's shape survives
  const step = Math.max(1, samples.length / KEPT_SAMPLES);
  const kept: number[] = [];
  for (let i = 0; i < samples.length && kept.length < KEPT_SAMPLES; i += step) kept.push(round(samples[Math.floor(i)], 4));
  return {
    meanMs: round(latency.mean, 4),
    p75Ms: round(latency.p75, 4),
    p99Ms: round(latency.p99, 4),
    rme: Number.isFinite(latency.rme) ? round(latency.rme, 2) : 0,
    samples: latency.samplesCount,
    samplesMs: kept,
  };
}
