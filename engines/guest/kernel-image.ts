// The guest kernel's own mappings and the data pages a system call touches. Linux maps the kernel (at the
// layout's kernelBase, engines/guest/layout.ts) in one set of tables that every process's top-level table
// links to (pgd_alloc → pgd_ctor copies the kernel PGD entries, arch/x86/mm/pgtable.c). A null system call reads and writes a handful of kernel data pages:
// entry_SYSCALL_64 (arch/x86/entry/entry_64.S) switches to the task's stack through the per-CPU
// cpu_current_top_of_stack and pushes pt_regs there, do_syscall_64 reads current's thread flags (task_struct)
// and indexes sys_call_table. Those four data pages are the footprint simulated here (the instruction TLB is
// not: text fetches are left out). They are mapped global (Linux sets _PAGE_GLOBAL on kernel mappings when
// the CPU has PGE and no PTI), so a CR3 write keeps them natively; a platform may strip the bit (Xen PV:
// enlighten_pv.c masks _PAGE_GLOBAL out of __supported_pte_mask), and then every guest page-table switch
// loses them and the next system call walks for them again.
// Where the layout does not share the kernel PMD (PAE under Xen PV), each address space gets its own copy of
// the kernel's PMD instead of a link to it, and loses it with its pgd.
import type { Platform } from '../types.ts';
import type { PageTables } from '../machine/page-table.ts';
import { entryFrame, entryHi, entryLo, PTE_G, PTE_P, PTE_RW } from '../machine/pte.ts';

/** kernel stack top, per-CPU area, task_struct, sys_call_table (see above) */
export const SYSCALL_FOOTPRINT_PAGES = 4;

export class KernelImage {
  private readonly pages: number[] = [];
  private slotLo = 0;
  private slotHi = 0;
  /** the kernel's own table below the root (swapper_pg_dir's), which unshared copies are made from */
  private master = 0;

  constructor(private readonly p: Platform) {}

  /** boot: map the footprint pages into the first process's top-level table `root` */
  boot(root: number, tables: PageTables): void {
    const { kernelBase, kernelSlot, sharedKernelPmd } = this.p.layout;
    for (let i = 0; i < SYSCALL_FOOTPRINT_PAGES; i++) {
      const va = kernelBase + i * 4096;
      tables.map(root, va, this.p.allocPage(1), 0, PTE_RW | PTE_G, 0);
      this.pages.push(va);
    }
    this.slotLo = this.p.memory.readLo(root, kernelSlot);
    this.slotHi = this.p.memory.readHi(root, kernelSlot);
    if (sharedKernelPmd) return;
    // the PMD just built is the kernel's (swapper_pg_dir's); the first process gets a copy like any other
    this.master = entryFrame(this.slotLo, this.slotHi);
    this.link(root);
  }

  /**
   * pgd_ctor: a new top-level table gets the kernel's top-level entry (a PML4E; under PAE the PDPTE of the
   * kernel's PMD). Without SHARED_KERNEL_PMD, pgd_prepopulate_pmd first copies the kernel PMD into a PMD of
   * the new pgd (preallocate_pmds allocated it with the user ones; arch/x86/mm/pgtable.c): the new table is
   * not in use yet, so the copy's stores are plain ones.
   */
  link(root: number): void {
    const p = this.p;
    const { kernelSlot, sharedKernelPmd, format } = p.layout;
    if (sharedKernelPmd) {
      p.writeEntry(root, kernelSlot, this.slotLo, this.slotHi);
      return;
    }
    const mem = p.memory;
    const pmd = p.allocTable(format.levels - 1);
    for (let i = 0; i < 512; i++) {
      const lo = mem.readLo(this.master, i);
      if ((lo & PTE_P) !== 0) p.writeEntry(pmd, i, lo, mem.readHi(this.master, i));
    }
    p.writeEntry(root, kernelSlot, entryLo(pmd, format.rootTableFlags), entryHi(pmd, 0));
  }

  /** pgd_free → pgd_mop_up_pmds: an unshared kernel PMD copy goes with its pgd (before the pgd itself) */
  unlink(root: number): void {
    const p = this.p;
    const { kernelSlot, sharedKernelPmd, format } = p.layout;
    if (sharedKernelPmd) return;
    const lo = p.memory.readLo(root, kernelSlot);
    if ((lo & PTE_P) === 0) return;
    p.freeTable(entryFrame(lo, p.memory.readHi(root, kernelSlot)), format.levels - 1);
  }

  /** the kernel side of one system call: its footprint pages, read and written in kernel mode */
  run(): void {
    const p = this.p;
    for (let i = 0; i < this.pages.length; i++) p.kernelAccess(this.pages[i], true);
  }
}
