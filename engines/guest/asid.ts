// PCID assignment the way Linux does it (arch/x86/mm/tlb.c, choose_new_asid): a CPU keeps TLB_NR_DYN_ASIDS = 6
// recently used address spaces tagged; switching back to one of them needs no flush, switching to any other
// evicts the oldest slot round-robin and flushes that tag. PCID 0 stays for the kernel.
export const TLB_NR_DYN_ASIDS = 6;

export class AsidAllocator {
  /** address-space id held by each slot (0 = empty) */
  private readonly owner = new Array<number>(TLB_NR_DYN_ASIDS).fill(0);
  private nextVictim = 0;
  /** result of choose(): whether the chosen PCID must be flushed */
  needFlush = false;

  /** PCID (1…6) for address space `id`; sets needFlush when the slot was reused */
  choose(id: number): number {
    const slot = this.owner.indexOf(id);
    if (slot >= 0) {
      this.needFlush = false;
      return slot + 1;
    }
    const victim = this.nextVictim;
    this.nextVictim = (victim + 1) % TLB_NR_DYN_ASIDS;
    this.owner[victim] = id;
    this.needFlush = true;
    return victim + 1;
  }

  /** forget an address space that was torn down */
  release(id: number): void {
    const slot = this.owner.indexOf(id);
    if (slot >= 0) this.owner[slot] = 0;
  }
}
