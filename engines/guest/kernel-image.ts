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
import type { Platform } from '../types.ts';
import type { PageTables } from '../machine/page-table.ts';
import { PTE_G, PTE_RW } from '../machine/pte.ts';

/** kernel stack top, per-CPU area, task_struct, sys_call_table (see above) */
export const SYSCALL_FOOTPRINT_PAGES = 4;

export class KernelImage {
  private readonly pages: number[] = [];
  private slotLo = 0;
  private slotHi = 0;

  constructor(private readonly p: Platform) {}

  /** boot: map the footprint pages into the first process's top-level table `root` */
  boot(root: number, tables: PageTables): void {
    const { kernelBase, kernelSlot } = this.p.layout;
    for (let i = 0; i < SYSCALL_FOOTPRINT_PAGES; i++) {
      const va = kernelBase + i * 4096;
      tables.map(root, va, this.p.allocPage(1), 0, PTE_RW | PTE_G, 0);
      this.pages.push(va);
    }
    this.slotLo = this.p.memory.readLo(root, kernelSlot);
    this.slotHi = this.p.memory.readHi(root, kernelSlot);
  }

  /** pgd_ctor: a new top-level table gets the kernel's top-level entry (a PML4E; under PAE the PDPTE of the
   *  kernel's PMD, shared as with SHARED_KERNEL_PMD) */
  link(root: number): void {
    this.p.writeEntry(root, this.p.layout.kernelSlot, this.slotLo, this.slotHi);
  }

  /** the kernel side of one system call: its footprint pages, read and written in kernel mode */
  run(): void {
    const p = this.p;
    for (let i = 0; i < this.pages.length; i++) p.kernelAccess(this.pages[i], true);
  }
}
