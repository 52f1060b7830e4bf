// Read-side helpers over a results file's `seeds` (harness/seeds.ts): a run's values over the seeds, and a
// category's headline metric per seed with its 95 % interval.
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import type { SeedRun } from '../../harness/seeds.ts';
import type { PowerInterval } from '../../engines/power/types.ts';
import { interval } from '../../engines/power/stats.ts';
import { categoryGeomean } from '../side-by-side/model.ts';

const bySeedKey = new WeakMap<ResultsFile, Map<string, SeedRun>>();

/** the seeds record of `run` (matched by workload and engine), or undefined in a file without seeds */
export function seedRun(results: ResultsFile, run: Pick<RunResult, 'workload' | 'engine'>): SeedRun | undefined {
  if (!results.seeds) return undefined;
  let map = bySeedKey.get(results);
  if (!map) bySeedKey.set(results, (map = new Map(results.seeds.runs.map((r) => [`${r.workload}\n${r.engine}`, r]))));
  return map.get(`${run.workload}\n${run.engine}`);
}

/**
 * A category's headline metric (reports/side-by-side/model.ts categoryGeomean: the geometric mean of engine ÷
 * native cycles) for each seed, and its mean with a 95 % interval over the seeds; without seeds, the one value
 * with a zero-width interval. Null when some seed has no value.
 */
export function categoryInterval(results: ResultsFile, category: string, engine: string): PowerInterval | null {
  const seeds = results.seeds?.seeds;
  if (!seeds) {
    const value = categoryGeomean(results, category, engine);
    return value === null ? null : { mean: value, lo: value, hi: value };
  }
  const perSeed = seeds.map((_, s) => categoryGeomean(results, category, engine, (run) => seedRun(results, run)?.metrics.overheadPct.values[s] ?? null));
  return perSeed.every((v): v is number => v !== null) ? interval(perSeed) : null;
}
