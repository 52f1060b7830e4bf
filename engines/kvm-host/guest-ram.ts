// The guest RAM a stream needs when the user does not choose it (memMb=0): the freestanding guest's frame
// pool starts at ABI_POOL_GPA (8 MiB, include/abi.h) and demand-faults every page a region is touched at,
// frees a region's frames at unmap (guest/frames.c frame_put), and needs one 4 KiB page table per 2 MiB of
// a region mapped with 4 KiB pages (512 eight-byte entries). Regions belong to an address space
// (guest/process.c): a forked child copies its parent's page tables and shares the frames until a write
// copies one (at most every page a write touch reaches), an exec'd process starts empty, and exit gives its
// address space back. So: the pool's base, plus the largest total of what the live address spaces hold at
// once, plus SLACK_MIB for the directories above them, the frames' reference counts and the guest's own
// stack and buffers, capped at the VMM's 768 MiB (ABI_MAX_MEM).
import type { GuestOp } from '../types.ts';

const MiB = 1 << 20;
const PAGE = 4096;
export const POOL_BASE_MIB = 8;
export const SLACK_MIB = 8;
export const MAX_MEM_MIB = 768;
/** the smallest RAM the VMM takes */
export const MIN_MEM_MIB = 16;

/** a region as one address space holds it */
interface Held {
  /** bytes of its 4 KiB page tables */
  tables: number;
  /** bytes of the region's pages */
  size: number;
  /** bytes of frames counted against this space: all of them, or, in a forked child, those a write copied */
  frames: number;
  /** bytes of frames fork shared that a write in this space may still copy (copy-on-write) */
  copyable: number;
  pageBytes: number;
}

type Space = Map<string, Held>;

function held(op: Extract<GuestOp, { op: 'map' }>): Held {
  if (op.pageSize === '4k') {
    const pages = Math.ceil(op.bytes / PAGE);
    return { tables: Math.ceil(pages / 512) * PAGE, size: pages * PAGE, frames: pages * PAGE, copyable: 0, pageBytes: PAGE };
  }
  const huge = op.pageSize === '2m' ? 2 * MiB : 1024 * MiB;
  const size = Math.ceil(op.bytes / huge) * huge;
  return { tables: 0, size, frames: size, copyable: 0, pageBytes: huge };
}

const bytesOf = (r: Held | undefined): number => (r === undefined ? 0 : r.tables + r.frames);

export function guestRamMb(ops: Iterable<GuestOp>): number {
  const procs = new Map<number, { parent: number; space: Space }>([[1, { parent: 0, space: new Map() }]]);
  let pid = 1;
  let nextPid = 2;
  let now = 0;
  let peak = 0;
  // address spaces whose PML4 came from the pool (pid 1 starts on the host's tables)
  const rooted = new Set<Space>();
  const newSpace = (): Space => {
    const space: Space = new Map();
    rooted.add(space);
    now += PAGE;
    return space;
  };
  const release = (space: Space) => {
    for (const r of space.values()) now -= bytesOf(r);
    if (rooted.delete(space)) now -= PAGE;
  };
  const sharedSpace = (space: Space) => [...procs.entries()].filter(([p, x]) => p !== pid && x.space === space).length > 0;
  for (const op of ops) {
    const proc = procs.get(pid);
    if (proc === undefined) break; // a stream the guest refuses at this op: it runs nothing further
    const space = proc.space;
    switch (op.op) {
      case 'map': {
        const r = held(op);
        now += bytesOf(r) - bytesOf(space.get(op.region)); // mapping a name again replaces its region
        space.set(op.region, r);
        break;
      }
      case 'unmap':
        now -= bytesOf(space.get(op.region));
        space.delete(op.region);
        break;
      case 'touch': {
        const r = space.get(op.region);
        if (op.write && r !== undefined && r.copyable > 0) {
          const more = Math.min(r.copyable, op.accesses * r.pageBytes);
          r.frames += more;
          r.copyable -= more;
          now += more;
        }
        break;
      }
      case 'fork':
        if (op.vfork === true) procs.set(nextPid++, { parent: pid, space });
        else {
          const child = newSpace();
          for (const [name, r] of space) {
            // the child gets its own tables and shares every frame; from now on a write on either side copies
            child.set(name, { ...r, frames: 0, copyable: r.size });
            r.copyable = r.size;
            now += r.tables;
          }
          procs.set(nextPid++, { parent: pid, space: child });
        }
        break;
      case 'exec':
        if (!sharedSpace(space)) release(space);
        proc.space = newSpace();
        break;
      case 'exit':
        if (!sharedSpace(space)) release(space);
        procs.delete(pid);
        pid = procs.has(proc.parent) ? proc.parent : 1;
        break;
      case 'switch':
        pid = op.to;
        break;
    }
    peak = Math.max(peak, now);
  }
  return Math.min(MAX_MEM_MIB, Math.max(MIN_MEM_MIB, POOL_BASE_MIB + Math.ceil(peak / MiB) + SLACK_MIB));
}
