// Paging-structure caches (Intel SDM Vol. 3 §4.10.3): PML4E, PDPTE and PDE caches map the upper bits of a
// virtual address to the frame of the next table, plus the permissions accumulated on the way, so a walk can
// skip upper levels (a PDE-cache hit leaves one reference). Entries are tagged like TLB entries, with
// `walkTag(pcid, vpid)`, and are invalidated by the same operations (SDM §4.10.4.1: INVLPG drops all PWC entries
// of the current PCID; MOV to CR3 drops those of the PCID being flushed).
import type { PagingStructureCacheProfile } from './profile.ts';
import { PrefixCache } from './prefix-cache.ts';

/** bits of a tag that hold the PCID (12-bit PCIDs, SDM §4.10.1) */
export const PCID_BITS = 12;

/** the tag of PWC entries for one address space: VPID in the high bits, PCID in the low 12 */
export function walkTag(pcid: number, vpid: number): number {
  return ((vpid << PCID_BITS) | pcid) >>> 0;
}

export class PagingStructureCache {
  /** key: va bits 47:39 → PDPT frame */
  readonly pml4: PrefixCache;
  /** key: va bits 47:30 → PD frame */
  readonly pdpt: PrefixCache;
  /** key: va bits 47:21 → PT frame */
  readonly pd: PrefixCache;

  constructor(sizes: Pick<PagingStructureCacheProfile, 'pml4' | 'pdpt' | 'pd'>) {
    this.pml4 = new PrefixCache(sizes.pml4);
    this.pdpt = new PrefixCache(sizes.pdpt);
    this.pd = new PrefixCache(sizes.pd);
  }

  /** drop the entries of one tag */
  flushTag(tag: number): void {
    this.pml4.flushTag(tag, 0);
    this.pdpt.flushTag(tag, 0);
    this.pd.flushTag(tag, 0);
  }

  /** drop every entry of one VPID, whatever its PCID */
  flushVpid(vpid: number): void {
    this.pml4.flushTag(vpid, PCID_BITS);
    this.pdpt.flushTag(vpid, PCID_BITS);
    this.pd.flushTag(vpid, PCID_BITS);
  }

  clear(): void {
    this.pml4.clear();
    this.pdpt.clear();
    this.pd.clear();
  }
}
