// `hvbench merge A.json B.json …`: the slices of one suite run with `run --shard i/n` (harness/shard.ts), joined
// into the results file one run would have written: their workloads and runs (and, with --seeds, the runs'
// values per seed) in the order given (shard 1 first), the power section from the one slice that has it. The
// slices must be of the same suite — same tool version, profile (and its content), seed, seeds, engines and
// sweeps — and hold different workloads; the newest creation time
// is kept, and the host of the first slice (each runner's wall-clock timing stays with its runs).
import { isDeepStrictEqual } from 'node:util';
import type { ResultsFile } from './results.ts';
import { UsageError } from './errors.ts';

export interface NamedResults {
  name: string;
  results: ResultsFile;
}

/** the fields every slice of one suite shares */
const SAME: readonly (keyof ResultsFile)[] = ['schema', 'tool', 'profile', 'profileHash', 'clockGhz', 'seed', 'engines', 'sweeps'];

export function mergeResults(files: readonly NamedResults[]): ResultsFile {
  if (files.length < 2) throw new UsageError('merge: give the results files of at least two shards');
  const first = files[0];
  const seen = new Map<string, string>();
  for (const f of files) {
    for (const field of SAME) {
      if (!isDeepStrictEqual(f.results[field], first.results[field])) {
        throw new UsageError(`merge: ${f.name}: ${field} differs from ${first.name}'s; the shards of one suite share it`);
      }
    }
    if (!isDeepStrictEqual(f.results.seeds?.seeds, first.results.seeds?.seeds)) {
      throw new UsageError(`merge: ${f.name}: seeds differ from ${first.name}'s; the shards of one suite share them`);
    }
    for (const w of f.results.workloads) {
      const other = seen.get(w.id);
      if (other !== undefined) throw new UsageError(`merge: ${f.name}: workload ${w.id} is also in ${other}; give each shard once`);
      seen.set(w.id, f.name);
    }
  }
  const withPower = files.filter((f) => f.results.power !== undefined);
  if (withPower.length > 1) throw new UsageError(`merge: ${withPower[1].name}: a power section is also in ${withPower[0].name}; only shard 1 runs it`);
  const createdAt = files.map((f) => f.results.createdAt).sort().at(-1)!;
  const { power: _power, ...base } = first.results;
  const merged: ResultsFile = {
    ...base,
    createdAt,
    workloads: files.flatMap((f) => f.results.workloads),
    runs: files.flatMap((f) => f.results.runs),
    // each shard's seeds record covers its own runs, in their order
    ...(first.results.seeds ? { seeds: { seeds: first.results.seeds.seeds, runs: files.flatMap((f) => f.results.seeds!.runs) } } : {}),
  };
  return withPower.length === 1 ? { ...merged, power: withPower[0].results.power } : merged;
}
