// The guest RAM a stream needs when the user does not choose it (memMb=0): the freestanding guest's frame
// pool starts at ABI_POOL_GPA (8 MiB, include/abi.h) and demand-faults every page a region is touched at,
// frees a region's frames at unmap (guest/paging.c free_frame), and needs one 4 KiB page table per 2 MiB of
// a region mapped with 4 KiB pages (512 eight-byte entries). So: the pool's base, plus the largest total of
// regions mapped at once with their page tables, plus SLACK_MIB for the directories above them and the
// guest's own stack and buffers, capped at the VMM's 768 MiB (ABI_MAX_MEM).
import type { GuestOp } from '../types.ts';

const MiB = 1 << 20;
export const POOL_BASE_MIB = 8;
export const SLACK_MIB = 8;
export const MAX_MEM_MIB = 768;
/** the smallest RAM the VMM takes */
export const MIN_MEM_MIB = 16;

function regionBytes(op: Extract<GuestOp, { op: 'map' }>): number {
  if (op.pageSize === '4k') {
    const pages = Math.ceil(op.bytes / 4096);
    return pages * 4096 + Math.ceil(pages / 512) * 4096;
  }
  const huge = op.pageSize === '2m' ? 2 * MiB : 1024 * MiB;
  return Math.ceil(op.bytes / huge) * huge;
}

export function guestRamMb(ops: Iterable<GuestOp>): number {
  const live = new Map<string, number>();
  let now = 0;
  let peak = 0;
  for (const op of ops) {
    if (op.op === 'map') {
      now += regionBytes(op) - (live.get(op.region) ?? 0); // mapping a name again replaces its region
      live.set(op.region, regionBytes(op));
    } else if (op.op === 'unmap') {
      now -= live.get(op.region) ?? 0;
      live.delete(op.region);
    }
    peak = Math.max(peak, now);
  }
  return Math.min(MAX_MEM_MIB, Math.max(MIN_MEM_MIB, POOL_BASE_MIB + Math.ceil(peak / MiB) + SLACK_MIB));
}
