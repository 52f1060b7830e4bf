// Generator helpers shared by the built-in workloads, so that every suite expresses the same idioms the same
// way (sizes, faulting a region in, splitting a large count into batches, weighted choices).
import type { GuestOp, PageSize } from '../engines/types.ts';
import type { Rng } from '../engines/rng.ts';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const PAGE_BYTES: Record<PageSize, number> = { '4k': 4 * KiB, '2m': 2 * MiB, '1g': 1024 * MiB };

/**
 * One access per page of a freshly mapped region: every access is a first touch, hence a demand fault.
 * `stride` is counted in 4 KiB pages, so a huge-page region is walked one huge page at a time.
 */
export function faultIn(region: string, bytes: number, pageSize: PageSize, write: boolean): GuestOp {
  const step = PAGE_BYTES[pageSize];
  return { op: 'touch', region, pattern: 'stride', stride: step / PAGE_BYTES['4k'], accesses: Math.ceil(bytes / step), write };
}

/** the end of setup: what follows is the measured phase (engines/types.ts `phase`) */
export const SETUP_DONE = { op: 'phase' } as const satisfies GuestOp;

/** map a region and fault every page of it in */
export function* mapTouched(region: string, bytes: number, pageSize: PageSize, write = true): Generator<GuestOp> {
  yield { op: 'map', region, bytes, pageSize };
  yield faultIn(region, bytes, pageSize, write);
}

/** split `total` into batches of at most `size` (the last may be smaller) */
export function* batches(total: number, size: number): Generator<number> {
  for (let done = 0; done < total; done += size) yield Math.min(size, total - done);
}

/** uniform integer in [lo, hi] */
export function between(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

/** pick one value by weight (weights need not sum to 1) */
export function weighted<T>(rng: Rng, table: readonly (readonly [weight: number, value: T])[]): T {
  const total = table.reduce((s, [w]) => s + w, 0);
  let x = rng.next() * total;
  for (const [w, value] of table) {
    if (x < w) return value;
    x -= w;
  }
  return table[table.length - 1][1];
}
