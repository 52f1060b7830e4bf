// What the kernel keeps per vCPU and the TLB flushes that follow from it (Linux arch/x86/mm/tlb.c): the
// address space each vCPU has loaded (cpu_tlbstate.loaded_mm), each vCPU's own PCID allocator (the ASIDs are
// per CPU, asid.ts), and so the vCPUs a flush of an address space must reach — its mm_cpumask.
// flush_tlb_mm_range (Linux ≥ 5.13) flushes one INVLPG per page up to tlb_single_page_flush_ceiling, else the
// whole address space: when another CPU is in mm_cpumask it calls flush_tlb_multi with the whole mask, this
// CPU included, and the platform flushes them all (Platform.flushMulti: natively flush_tlb_func here and an IPI
// to each other CPU; Xen PV one hypercall for all, this CPU too); only when none is does it flush here alone.
import type { Platform } from '../types.ts';
import type { AddressSpace } from './address-space.ts';
import { AsidAllocator } from './asid.ts';
import { flushesWhole, flushHere } from './tlb-invalidate.ts';

export class GuestCpus {
  /** per vCPU: the address space loaded there, or null before a thread ran there / after it was torn down */
  private readonly loaded: (AddressSpace | null)[] = [null];
  private readonly asids: AsidAllocator[] = [new AsidAllocator()];
  /** the vCPU the kernel runs on now */
  current = 0;
  /** the other vCPUs of the last mask (reused, so a flush allocates nothing) */
  private readonly others: number[] = [];

  constructor(private readonly p: Platform) {}

  /** the PCID allocator of the current vCPU */
  get asid(): AsidAllocator {
    return this.asids[this.current];
  }

  /** run on vCPU `cpu` from now on (the platform brings it up on first use) */
  select(cpu: number): void {
    while (this.loaded.length <= cpu) {
      this.loaded.push(null);
      this.asids.push(new AsidAllocator());
    }
    this.current = cpu;
    this.p.selectCpu(cpu);
  }

  loadedHere(): AddressSpace | null {
    return this.loaded[this.current];
  }

  /** the current vCPU now has `space` loaded (switch_mm_irqs_off) */
  setLoaded(space: AddressSpace): void {
    this.loaded[this.current] = space;
  }

  /** flush_tlb_mm_range of `pages` pages of `pageBytes` from `base` in `space`, the current vCPU's */
  flushRange(space: AddressSpace, base: number, pages: number, pageBytes: number): void {
    const full = flushesWhole(pages);
    if (this.collectOthers(space)) this.p.flushMulti(this.others, true, base, pages, pageBytes, full);
    else flushHere(this.p, base, pages, pageBytes, full);
  }

  /** flush_tlb_mm: all of `space`'s translations, here and on the other vCPUs that have it loaded */
  flushAll(space: AddressSpace): void {
    if (this.collectOthers(space)) this.p.flushMulti(this.others, true, 0, 0, 0, true);
    else this.p.flushLocal();
  }

  /**
   * `space` is being torn down (exec, exit): the process's threads on other vCPUs are gone, and exit_mmap's
   * final flush (tlb_finish_mmu, freed page tables) reaches the vCPUs that still have it loaded; they no longer
   * hold it. `spaceId` is forgotten by every vCPU's PCID allocator. The mask is the others': after exec's
   * activate_mm this vCPU has left `space` (Linux 6.1 switch_mm_irqs_off takes it out of the old mm_cpumask);
   * at exit it still has it loaded and Linux flushes it too, a flush the model leaves out on every platform
   * (the vCPU switches to another address space next).
   */
  drop(space: AddressSpace, spaceId: number): void {
    if (this.collectOthers(space)) {
      this.p.flushMulti(this.others, false, 0, 0, 0, true);
      for (const cpu of this.others) this.loaded[cpu] = null;
    }
    for (const a of this.asids) a.release(spaceId);
  }

  /** the vCPUs other than this one with `space` loaded, into `others`; whether there are any */
  private collectOthers(space: AddressSpace): boolean {
    const others = this.others;
    others.length = 0;
    const loaded = this.loaded;
    for (let cpu = 0; cpu < loaded.length; cpu++) if (cpu !== this.current && loaded[cpu] === space) others.push(cpu);
    return others.length > 0;
  }
}
