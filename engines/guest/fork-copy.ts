// fork's page-table copy (Linux kernel/fork.c dup_mmap → mm/memory.c copy_page_range, run inside a lazy-MMU
// window): every present leaf is copied into the child; private writable pages are write-protected in parent
// and child so that the first write to either takes a COW fault.
import type { Platform } from '../types.ts';
import type { LeafVisitor, PageTables } from '../machine/page-table.ts';
import type { PageSizeCode } from '../machine/types.ts';
import { entryFrame, FLAG_MASK, PTE_A, PTE_NX_HI, PTE_P, PTE_PS, PTE_RW } from '../machine/pte.ts';
import type { AddressSpace, Region } from './address-space.ts';
import type { FrameRefs } from './frame-refs.ts';

export class ForkCopier implements LeafVisitor {
  private region!: Region;
  private childRoot = 0;
  /** parent PTEs write-protected by the last copy: the parent's TLB must then be flushed */
  protectedCount = 0;
  copied = 0;

  constructor(
    private readonly p: Platform,
    private readonly tables: PageTables,
    private readonly refs: FrameRefs,
  ) {}

  copy(parent: AddressSpace, child: AddressSpace): void {
    this.childRoot = child.root;
    this.protectedCount = 0;
    this.copied = 0;
    this.p.enterLazyMmu();
    for (const region of parent.regions.values()) {
      this.region = region;
      this.tables.forEachLeaf(parent.root, region.base, region.end, this);
    }
    this.p.leaveLazyMmu();
  }

  leaf(tableFrame: number, index: number, va: number, size: PageSizeCode, lo: number, hi: number): void {
    let flags = lo;
    if (this.region.writable && (lo & PTE_RW) !== 0) {
      flags = lo & ~PTE_RW;
      // ptep_set_wrprotect: a try_cmpxchg loop on the parent's PTE (Linux 6.8 arch/x86/include/asm/pgtable.h),
      // no paravirt hook — unlike the child's set_pte_at below, which xen batches as mmu_update
      const p = this.p;
      if (p.atomicEntry !== undefined) p.atomicEntry(tableFrame, index, flags >>> 0, hi);
      else p.writeEntry(tableFrame, index, flags >>> 0, hi);
      this.protectedCount++;
    }
    const frame = entryFrame(lo, hi);
    this.p.counters.charge('guest', 'fork', this.p.profile.native.forkPage);
    // the child's copy is old (__copy_present_ptes: pte = pte_mkold(pte)): its first access sets Accessed
    this.tables.map(this.childRoot, va, frame, size, flags & FLAG_MASK & ~(PTE_P | PTE_PS | PTE_A), hi & PTE_NX_HI);
    this.refs.share(frame);
    this.copied++;
  }
}
