// `--seeds 1..10` / `--seeds 1,4,9`: the suite once per seed. The seed reaches every workload generator's Rng
// (harness/pair.ts generateOps) and the engines' (random access patterns, engines/guest/), so each seed is a
// different draw of the same workloads; counters stay bit-identical for a given seed. The results file keeps
// the first seed's runs in full (`runs`, `seed`) and, per (workload, engine) run, each headline metric's value
// for every seed with its mean and 95 % Student-t interval over the seeds (engines/power/stats.ts).
import { interval } from '../engines/power/stats.ts';
import type { PowerInterval } from '../engines/power/types.ts';
import { UsageError, clip } from './errors.ts';
import { MAX_SEEDS } from './limits.ts';
import type { RunResult } from './results.ts';

/** the metrics kept per seed, and how each is read off a run */
export const SEED_METRICS = {
  overheadPct: (r: RunResult) => r.overheadPct,
  cycles: (r: RunResult) => r.cycles.total,
  exits: (r: RunResult) => r.exits.total,
  hypercalls: (r: RunResult) => r.hypercalls.total,
  tlbFlushes: (r: RunResult) => r.tlb.flushes.total,
  tlbMisses: (r: RunResult) => r.tlb.misses,
  walkRefs: (r: RunResult) => r.tlb.walkRefs,
} as const satisfies Record<string, (r: RunResult) => number | null>;

export type SeedMetric = keyof typeof SEED_METRICS;

/** one metric of one run over the seeds: its value per seed (null where the run failed or has no value) and,
 *  when every seed has one, the mean with its 95 % interval */
export interface SeedStat {
  values: (number | null)[];
  interval: PowerInterval | null;
}

export interface SeedRun {
  workload: string;
  engine: string;
  metrics: Record<SeedMetric, SeedStat>;
}

export interface SeedsRecord {
  /** in the order given; the first is the file's `seed`, whose runs `runs` holds */
  seeds: number[];
  /** one per run of the file, in the same order */
  runs: SeedRun[];
}

const SEED_MAX = 0xffffffff;

function seedOf(text: string, value: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > SEED_MAX) throw new UsageError(`--seeds: "${clip(text)}" in "${clip(value)}" is not an integer from 0 to ${SEED_MAX}`);
  return n;
}

/** `1..10` (both ends included) or `1,4,9`: two to MAX_SEEDS distinct seeds */
export function parseSeeds(value: string): number[] {
  const range = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(value);
  let seeds: number[];
  if (range) {
    const [from, to] = [seedOf(range[1], value), seedOf(range[2], value)];
    if (to < from) throw new UsageError(`--seeds: ${clip(value)} runs backwards; write the smaller seed first`);
    if (to - from + 1 > MAX_SEEDS) throw new UsageError(`--seeds: ${clip(value)} is ${to - from + 1} seeds, more than ${MAX_SEEDS}`);
    seeds = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  } else {
    seeds = value.split(',').map((s) => seedOf(s.trim(), value));
    if (seeds.length > MAX_SEEDS) throw new UsageError(`--seeds: ${seeds.length} seeds, more than ${MAX_SEEDS}`);
    const twice = seeds.find((s, i) => seeds.indexOf(s) !== i);
    if (twice !== undefined) throw new UsageError(`--seeds: seed ${twice} is listed twice in "${clip(value)}"`);
  }
  if (seeds.length < 2) throw new UsageError(`--seeds: "${clip(value)}" is one seed; an interval needs two or more (one seed is --seed N)`);
  return seeds;
}

/** each metric of `runs[i]` over the seeds, `bySeed[s]` being the runs of seeds[s] in the same order as runs */
export function seedsRecord(seeds: readonly number[], bySeed: readonly (readonly RunResult[])[]): SeedsRecord {
  const first = bySeed[0];
  const runs = first.map((run, i): SeedRun => {
    const metrics = {} as Record<SeedMetric, SeedStat>;
    for (const [name, read] of Object.entries(SEED_METRICS) as [SeedMetric, (r: RunResult) => number | null][]) {
      const values = bySeed.map((runs) => (runs[i].error ? null : read(runs[i])));
      const all = values.filter((v): v is number => v !== null);
      metrics[name] = { values, interval: all.length === values.length ? interval(all) : null };
    }
    return { workload: run.workload, engine: run.engine, metrics };
  });
  return { seeds: [...seeds], runs };
}
