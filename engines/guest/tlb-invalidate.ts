// Invalidating a range after a PTE change: one INVLPG per page up to a ceiling, one full flush beyond it.
// Linux arch/x86/mm/tlb.c, flush_tlb_mm_range(): `tlb_single_page_flush_ceiling = 33`, and the per-page path
// is taken when `((end - start) >> stride_shift) <= tlb_single_page_flush_ceiling`, stride being the page size.
import type { Platform } from '../types.ts';

export const TLB_SINGLE_PAGE_FLUSH_CEILING = 33;

/** flush_tlb_func on the current CPU: one INVLPG per page, or (`full`) the whole address space */
export function flushHere(platform: Platform, base: number, pages: number, pageBytes: number, full: boolean): void {
  if (full) {
    platform.flushLocal();
    return;
  }
  for (let i = 0; i < pages; i++) platform.invalidatePage(base + i * pageBytes);
}

/** whether a range of `pages` is flushed whole rather than page by page */
export function flushesWhole(pages: number): boolean {
  return pages > TLB_SINGLE_PAGE_FLUSH_CEILING;
}
