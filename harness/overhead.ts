// Overhead of each run against the native run of the same workload (docs/architecture.md#overhead): the percentage, and its
// explanation as per-mechanism differences. Engines charge work native also does under the same mechanism
// name, so the differences add up to the total overhead exactly.
import type { PhaseCounters, RunCounters } from '../engines/types.ts';
import { wholeRun } from '../engines/machine/phase-counters.ts';

export interface Overhead {
  overheadPct: number;
  overheadAttribution: Record<string, number>;
}

/**
 * Both runs' measured phases when both engines separate setup (RunCounters.setup), else both whole runs: an
 * engine that counted everything as measured is held against everything native did.
 */
export function computeOverhead(measuredRun: RunCounters, measuredNative: RunCounters): Overhead | null {
  const bothPhased = measuredRun.setup !== undefined && measuredNative.setup !== undefined;
  const run: PhaseCounters = bothPhased ? measuredRun : wholeRun(measuredRun);
  const native: PhaseCounters = bothPhased ? measuredNative : wholeRun(measuredNative);
  const base = native.cycles.total;
  if (base <= 0) return null;
  const attribution: Record<string, number> = {};
  const names = new Set([...Object.keys(run.attribution), ...Object.keys(native.attribution)]);
  for (const name of [...names].sort()) {
    const delta = (run.attribution[name] ?? 0) - (native.attribution[name] ?? 0);
    if (delta !== 0) attribution[name] = delta;
  }
  return { overheadPct: ((run.cycles.total - base) / base) * 100, overheadAttribution: attribution };
}
