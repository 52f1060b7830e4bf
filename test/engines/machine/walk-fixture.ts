// Builds page tables for walker and MMU tests: guest tables in one memory, optionally EPT in another.
import { SparsePhysicalMemory } from '../../../engines/machine/physical-memory.ts';
import { PageTables } from '../../../engines/machine/page-table.ts';
import { EPT_FORMAT, EPT_R, EPT_W, EPT_X, PTE_RW, PTE_US, X86_FORMAT } from '../../../engines/machine/pte.ts';
import type { PageSizeCode } from '../../../engines/machine/types.ts';

export const NO_CACHES = { pml4: 0, pdpt: 0, pd: 0, nestedTlb: 0 };
export const CACHES = { pml4: 2, pdpt: 4, pd: 32, nestedTlb: 32 };

export class Fixture {
  readonly guest = new SparsePhysicalMemory();
  readonly host = new SparsePhysicalMemory();
  readonly guestTables = new PageTables(this.guest, X86_FORMAT);
  readonly ept = new PageTables(this.host, EPT_FORMAT);
  readonly root = this.guest.allocFrame();
  readonly eptRoot = this.host.allocFrame();

  /** map `pages` guest pages of `size` from `va` onto fresh guest frames; returns the first frame */
  mapGuest(va: number, pages: number, size: PageSizeCode, flags = PTE_RW | PTE_US): number {
    const per = [1, 512, 512 * 512][size];
    const span = per * 4096;
    const first = this.guest.allocContiguous(per * pages);
    for (let i = 0; i < pages; i++) this.guestTables.map(this.root, va + i * span, first + i * per, size, flags, 0);
    return first;
  }

  /** back every guest frame allocated so far (tables and data) with host memory through EPT */
  backAll(size: PageSizeCode, writable = true): void {
    const per = [1, 512, 512 * 512][size];
    const top = Math.ceil((this.guest.framesAllocated + 2048) / per) * per;
    const flags = EPT_R | EPT_X | (writable ? EPT_W : 0);
    for (let gfn = 0; gfn < top; gfn += per) this.ept.map(this.eptRoot, gfn * 4096, this.host.allocContiguous(per), size, flags, 0);
  }
}
