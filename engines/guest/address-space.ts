// A process's address space as the guest kernel keeps it: the root of its page table (4-level, or PAE's 3) and
// its named regions (the VMAs). Region addresses are assigned deterministically from the order of `map`
// operations, so the same workload gets the same virtual addresses — and the same page-table shape — on every
// engine.
import type { PageSize } from '../types.ts';
import type { PageSizeCode } from '../machine/types.ts';
import { PAGE_SIZE_CODE } from '../machine/types.ts';
import { LEAF_LEVEL, LEVEL_SPAN } from '../machine/pte.ts';

/** x86-64's first region base: the bottom of PML4 slot 254, like Linux's top-down mmap area but growing up
 *  (estimate) */
export const MMAP_BASE = 254 * LEVEL_SPAN[4];
/** regions start on a 2 MiB boundary and are separated by a 2 MiB guard gap, so each gets its own PTs */
const REGION_ALIGN = LEVEL_SPAN[2];
/** free_pgtables' bounds for one unmapped region: page-table pages wholly inside [floor, ceiling) may go */
export interface TableBounds {
  floor: number;
  ceiling: number;
}

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
  private nextVa: number;

  /** `root`: the top-level table; the PCID it runs under is per vCPU (guest-cpus.ts) */
  constructor(
    readonly root: number,
    /** where the first region goes (the layout's mmap base) */
    mmapBase = MMAP_BASE,
  ) {
    this.nextVa = mmapBase;
  }

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

  /**
   * free_pgtables' floor and ceiling for unmapping `region` (Linux mm/memory.c free_pgtables → free_pgd_range):
   * the end of the VMA below it, or 0, and the start of the VMA above it, or `top`, the end of user space.
   * The model's processes have only the regions their workload maps (no program text, libraries or stack
   * VMAs), so a lone region's tables all go, as Linux frees them in an mm without other VMAs.
   */
  tableBounds(region: Region, top: number): TableBounds {
    let floor = 0;
    let ceiling = top;
    for (const r of this.regions.values()) {
      if (r === region) continue;
      if (r.end <= region.base && r.end > floor) floor = r.end;
      if (r.base >= region.end && r.base < ceiling) ceiling = r.base;
    }
    return { floor, ceiling };
  }

  regionAt(va: number): Region | undefined {
    for (const r of this.regions.values()) if (va >= r.base && va < r.end) return r;
    return undefined;
  }
}
