// The kernel's page-fault handler: demand paging of anonymous memory on first touch, and copy-on-write breaks
// after fork (Linux mm/memory.c: do_anonymous_page, wp_page_copy / wp_page_reuse). The fault's delivery and
// return are the platform's (an IDT vector natively, a bounce through Xen, a #PF exit in shadow mode); the
// handler's work is charged from profile.native under the same names on every engine.
import type { Platform } from '../types.ts';
import type { PageTables } from '../machine/page-table.ts';
import { entryFrame, FLAG_MASK, PAGES_PER_SIZE, PTE_NX_HI, PTE_RW, PTE_US } from '../machine/pte.ts';
import type { AddressSpace } from './address-space.ts';
import type { FrameRefs } from './frame-refs.ts';
import type { GuestCpus } from './guest-cpus.ts';

export class PageFaultHandler {
  constructor(
    private readonly p: Platform,
    private readonly tables: PageTables,
    private readonly refs: FrameRefs,
    private readonly cpus: GuestCpus,
  ) {}

  /** handle a fault at `va`; false when the access is not allowed (SIGSEGV: the access is abandoned) */
  handle(space: AddressSpace, va: number, write: boolean): boolean {
    const p = this.p;
    const c = p.counters;
    p.pageFault();
    const region = space.regionAt(va);
    if (region === undefined || (write && !region.writable)) {
      c.event('segv');
      return false;
    }
    c.charge('guest', 'page-fault', p.profile.native.pageFaultHandler);
    const pageVa = region.base + Math.floor((va - region.base) / region.pageBytes) * region.pageBytes;
    const frames = PAGES_PER_SIZE[region.size];
    const t = this.tables;
    if (!t.read(space.root, pageVa)) {
      c.event('pageFaults');
      const frame = p.allocPage(frames);
      p.zeroPage(frame, frames);
      // pageFaultHandler zeroes one 4 KiB frame; a huge page zeroes all of its frames (clear_huge_page).
      // estimate: zeroing 4 KiB costs what copying it does (pageCopy), ~20 GB/s at 2.5 GHz; the measured 2 MiB
      // demand-fault rate is 11.82 GB/s (LKML 2025-06-16, "x86/mm: Add multi-page clearing"), so this is cheap
      if (frames > 1) c.charge('guest', 'page-zero', p.profile.native.pageCopy * (frames - 1));
      t.map(space.root, pageVa, frame, region.size, PTE_US | (region.writable ? PTE_RW : 0), PTE_NX_HI);
      return true;
    }
    if (write && (t.lo & PTE_RW) === 0) {
      c.event('cowFaults');
      const old = entryFrame(t.lo, t.hi);
      let frame = old;
      if (this.refs.count(old) > 1) {
        frame = p.allocPage(frames);
        p.copyPage(old, frame, frames);
        c.charge('guest', 'cow-copy', p.profile.native.pageCopy * frames);
        this.refs.release(old);
        // wp_page_copy → ptep_clear_flush → ptep_get_and_clear: an xchg with no paravirt hook (Linux 6.8), so
        // a trapped write on a pinned table under Xen; wp_page_reuse only upgrades the entry in place
        if (p.atomicEntry !== undefined) p.atomicEntry(t.tableFrame, t.index, 0, 0);
        else p.writeEntry(t.tableFrame, t.index, 0, 0);
      }
      // set_pte_at installs the writable entry. After a copy the old frame's translation must go from every vCPU
      // running the address space (ptep_clear_flush's flush_tlb_page: they may still read the old frame);
      // wp_page_reuse only makes the entry more permissive, which x86 Linux does not flush
      // (ptep_set_access_flags): this vCPU's fault already dropped the read-only translation (Mmu.access)
      t.map(space.root, pageVa, frame, region.size, (t.lo & FLAG_MASK) | PTE_RW, PTE_NX_HI);
      if (frame !== old) this.cpus.flushRange(space, pageVa, 1, region.pageBytes);
      return true;
    }
    // the PTE already allows the access: the fault came from a stale translation, which the fault itself dropped
    // (flush_tlb_fix_spurious_fault is empty on x86, arch/x86/include/asm/pgtable.h)
    c.event('spuriousFaults');
    return true;
  }
}
