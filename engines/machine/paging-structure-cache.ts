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

  /** start() result: the table a walk reads first and the permissions accumulated above it; startHost is the
   *  table's host-physical frame when a combined entry named it (equal to startTable otherwise) */
  startTable = 0;
  startPerm = 0;
  startHost = 0;
  /** whether any of the three caches can hold an entry (sizes are fixed): walks skip fill() otherwise */
  readonly enabled: boolean;

  constructor(sizes: Pick<PagingStructureCacheProfile, 'pml4' | 'pdpt' | 'pd'>) {
    this.pml4 = new PrefixCache(sizes.pml4);
    this.pdpt = new PrefixCache(sizes.pdpt);
    this.pd = new PrefixCache(sizes.pd);
    this.enabled = sizes.pml4 + sizes.pdpt + sizes.pd > 0;
  }

  /**
   * Where a walk of the address with these prefix keys starts (SDM §4.10.3.2): the lowest level whose table a
   * cache names, 1 (a PDE-cache hit: only the PTE is left) to 4 (no hit: the root, with `rootPerm`). The
   * table and permissions land in startTable / startPerm.
   */
  start(pml4Key: number, pdptKey: number, pdKey: number, tag: number, root: number, rootPerm: number): number {
    if (this.pd.used !== 0 && this.pd.lookup(pdKey, tag)) {
      this.startTable = this.pd.frame; this.startPerm = this.pd.perm; this.startHost = this.pd.host;
      return 1;
    }
    if (this.pdpt.used !== 0 && this.pdpt.lookup(pdptKey, tag)) {
      this.startTable = this.pdpt.frame; this.startPerm = this.pdpt.perm; this.startHost = this.pdpt.host;
      return 2;
    }
    if (this.pml4.used !== 0 && this.pml4.lookup(pml4Key, tag)) {
      this.startTable = this.pml4.frame; this.startPerm = this.pml4.perm; this.startHost = this.pml4.host;
      return 3;
    }
    this.startTable = root; this.startPerm = rootPerm; this.startHost = root;
    return 4;
  }

  /**
   * after a walk read the non-leaf entry at `level` (4..2): cache the next table it names, with `perm` so far.
   * `host`: the table's host-physical frame — under EPT the guest-dimension entries are combined entries
   * holding the address the EPT translation gave (Intel SDM Vol. 3 §29.4.1), natively the table itself
   */
  fill(level: number, pml4Key: number, pdptKey: number, pdKey: number, tag: number, table: number, perm: number, host: number): void {
    const cache = level === 4 ? this.pml4 : level === 3 ? this.pdpt : this.pd;
    if (cache.capacity !== 0) cache.fill(level === 4 ? pml4Key : level === 3 ? pdptKey : pdKey, tag, table, perm, host);
  }

  /** drop the entries of one tag that would translate virtual page `vpn` (its PML4E, PDPTE and PDE prefixes) */
  dropAddress(vpn: number, tag: number): void {
    const pdptKey = Math.floor(vpn / (512 * 512));
    this.pml4.drop(pdptKey >>> 9, tag);
    this.pdpt.drop(pdptKey, tag);
    this.pd.drop(Math.floor(vpn / 512), tag);
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
