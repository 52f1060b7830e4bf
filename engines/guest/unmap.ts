// Tearing mappings down: munmap of one region (PTEs cleared in a lazy-MMU window, frames released, then the page
// tables wholly inside the gap between the neighbouring VMAs freed — Linux zap_pte_range + free_pgtables — then
// the range invalidated), and the whole address space on exec and exit.
import type { Platform } from '../types.ts';
import type { LeafVisitor, PageTables } from '../machine/page-table.ts';
import type { PageSizeCode } from '../machine/types.ts';
import { entryFrame, PAGES_PER_SIZE } from '../machine/pte.ts';
import type { AddressSpace, Region } from './address-space.ts';
import type { FrameRefs } from './frame-refs.ts';
import type { GuestCpus } from './guest-cpus.ts';
import { userTop } from './layout.ts';
import type { KernelImage } from './kernel-image.ts';

export class Unmapper implements LeafVisitor {
  constructor(
    private readonly p: Platform,
    private readonly tables: PageTables,
    private readonly refs: FrameRefs,
    private readonly cpus: GuestCpus,
    private readonly image: KernelImage,
  ) {}

  leaf(tableFrame: number, index: number, _va: number, size: PageSizeCode, lo: number, hi: number): void {
    // zap_pte_range → ptep_get_and_clear_full → native_ptep_get_and_clear: an xchg, no paravirt hook (Linux
    // 6.8 arch/x86/include/asm/pgtable.h, pgtable_64.h); exit_mmap's full-mm variant is a plain load + store
    const p = this.p;
    if (p.atomicEntry !== undefined) p.atomicEntry(tableFrame, index, 0, 0);
    else p.writeEntry(tableFrame, index, 0, 0);
    const frame = entryFrame(lo, hi);
    if (this.refs.release(frame)) p.freePage(frame, PAGES_PER_SIZE[size]);
  }

  /** munmap: clear, free, invalidate here and on the other vCPUs running the address space */
  unmapRegion(space: AddressSpace, region: Region): void {
    // zap_pte_range's lazy-MMU window covers the PTE clears only; free_pgtables runs after it, outside any
    // window (Linux 6.8 mm/memory.c, mm/mmap.c unmap_region), so its pmd_clear / release_pte go out one by one
    this.p.enterLazyMmu();
    this.tables.forEachLeaf(space.root, region.base, region.end, this);
    this.p.leaveLazyMmu();
    // a table goes only when the whole range it maps lies between the neighbouring VMAs; under PAE the PMDs
    // stay as long as the PGD (pgd_alloc preallocated them, see kernel.ts newSpace)
    const layout = this.p.layout;
    const { floor, ceiling } = space.tableBounds(region, layout.userVaEnd);
    this.tables.freeEmptyTables(space.root, region.base, region.end, { floor, ceiling, keepRootChildren: layout.format.levels === 3 });
    this.cpus.flushRange(space, region.base, region.pages, region.pageBytes);
    space.regions.delete(region.name);
  }

  /** exec / exit: everything goes, root included; no flush, the caller loads another CR3 next */
  teardown(space: AddressSpace): void {
    // exit_mmap's arch_exit_mmap first (xen unpins, so the clears below are plain stores)
    this.p.exitMmap(space.root);
    this.p.enterLazyMmu();
    for (const region of space.regions.values()) this.tables.forEachLeaf(space.root, region.base, region.end, this);
    // the user part (free_pgtables covers the user VMAs; the kernel's tables are shared and stay, except an
    // unshared kernel PMD, which goes with the pgd)
    const top = userTop(this.p.layout);
    this.tables.freeEmptyTables(space.root, 0, top, { floor: 0, ceiling: top, keepRootChildren: false });
    this.p.leaveLazyMmu();
    this.image.unlink(space.root);
    this.p.freeTable(space.root, this.p.layout.format.levels);
    space.regions.clear();
  }
}
