// A process's address space as the guest kernel keeps it: the root of its 4-level page table and
// its named regions (the VMAs). Region addresses are assigned deterministically from the order of `map`
// operations, so the same workload gets the same virtual addresses — and the same page-table shape — on every
// engine.
import type { PageSize } from '../types.ts';
import type { PageSizeCode } from '../machine/types.ts';
import { PAGE_SIZE_CODE } from '../machine/types.ts';
import { LEAF_LEVEL, LEVEL_SPAN } from '../machine/pte.ts';

/** first region base: the bottom of PML4 slot 254, like Linux's top-down mmap area but growing up (estimate) */
export const MMAP_BASE = 254 * LEVEL_SPAN[4];
/** regions start on a 2 MiB boundary and are separated by a 2 MiB guard gap, so each gets its own PTs */
const REGION_ALIGN = LEVEL_SPAN[2];

export interface Region {
  name: string;
  base: number;
  /** end of the region (exclusive) */
  end: number;
  size: PageSizeCode;
  /** bytes per page of this region */
  pageBytes: number;
  /** pages of `pageBytes` */
  pages: number;
  writable: boolean;
}

export class AddressSpace {
  readonly regions = new Map<string, Region>();
  private nextVa = MMAP_BASE;

  /** `root`: the top-level table; the PCID it runs under is per vCPU (guest-cpus.ts) */
  constructor(readonly root: number) {}

  addRegion(name: string, bytes: number, pageSize: PageSize): Region {
    const size = PAGE_SIZE_CODE[pageSize];
    const pageBytes = LEVEL_SPAN[LEAF_LEVEL[size]];
    const align = Math.max(REGION_ALIGN, pageBytes);
    const base = Math.ceil(this.nextVa / align) * align;
    const pages = Math.max(1, Math.ceil(bytes / pageBytes));
    const end = base + pages * pageBytes;
    this.nextVa = end + REGION_ALIGN;
    const region: Region = { name, base, end, size, pageBytes, pages, writable: true };
    this.regions.set(name, region);
    return region;
  }

  /** a copy of the region layout for a forked child (same addresses, COW pages) */
  copyLayoutFrom(parent: AddressSpace): void {
    for (const r of parent.regions.values()) this.regions.set(r.name, { ...r });
    this.nextVa = parent.nextVa;
  }

  regionAt(va: number): Region | undefined {
    for (const r of this.regions.values()) if (va >= r.base && va < r.end) return r;
    return undefined;
  }
}
