// `run --shard i/n`: a deterministic slice of the suite, so that a CI matrix can spread one suite over n runners
// and `hvbench merge` can join the slices into the results file one run would have written. The workloads are
// cut into n contiguous blocks in their selection order (every engine of a workload stays in its shard, so its
// overhead against native is computed there); the power section, one model run over every scenario, goes with
// shard 1.
import { UsageError, clip } from './errors.ts';

export interface Shard {
  /** 1-based */
  index: number;
  count: number;
}

/** `2/4` → { index: 2, count: 4 } */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > 1000 || index < 1 || index > count) {
    throw new UsageError(`--shard: expected i/n with 1 ≤ i ≤ n ≤ 1000 (e.g. 2/4), got "${clip(value)}"`);
  }
  return { index, count };
}

/** shard `s`'s contiguous block of `items`: blocks differ in size by at most one and cover every item once */
export function shardSlice<T>(items: readonly T[], s: Shard): T[] {
  const from = Math.floor(((s.index - 1) * items.length) / s.count);
  const to = Math.floor((s.index * items.length) / s.count);
  return items.slice(from, to);
}
