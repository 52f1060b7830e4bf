// The two-dimensional walk of EPT / NPT (Bhargava et al., ASPLOS 2008; Intel SDM Vol. 3 §29.3): the guest's
// own 4-level walk over guest-physical memory, where every guest table and the final guest-physical page must
// first be translated through the 4-level EPT in host memory. Worst case (4+1)(4+1)−1 = 24 references.
// Three caches cut the average (≈ 4.4 references, "Every Walk's a Hit"): the guest-dimension paging-structure
// caches (combined entries keyed by guest VA), a nested TLB of gPA→hPA translations, and EPT-side
// paging-structure caches keyed by guest-physical address. A 2 MiB page in either dimension ends that
// dimension's walk one level early.
//
// The nested TLB holds each translation at its EPT leaf's size, as hardware caches guest-physical mappings
// (Bhargava et al., ASPLOS 2008, the NTLB; Intel SDM Vol. 3 §29.4.1, "guest-physical mappings" derived from the
// EPT paging structures, each for a page of the EPT leaf's size): one entry for a 2 MiB (1 GiB) EPT leaf serves
// every 4 KiB frame inside it, so host huge pages (KVM's THP) save the EPT side of later walks anywhere in
// that range, not only at the frame first walked.
//
// Both dimensions follow page-walker.ts's Walker1D step for step (same references, same A/D updates, same
// cache lookups and fills in the same order), written out here as two flat loops over the memories' word
// arrays: the generic walker's per-level hooks and result objects made the 24-reference walk several times
// slower than 24 native references. test/engines/machine/walk-differential.test.ts holds the three loops (1-D,
// guest dimension, EPT dimension) to one reference walk.
import type { EntryFormat, NestedWalker, WalkResult } from './types.ts';
import type { SparsePhysicalMemory } from './physical-memory.ts';
import { FAULT_EPT_VIOLATION as FAULT_EPT_VIOLATION_, FAULT_NOT_PRESENT as FAULT_NOT_PRESENT_, FAULT_PROTECTION as FAULT_PROTECTION_ } from './types.ts';
import type { PagingStructureCacheProfile } from './profile.ts';
import {
  EPT_A as EPT_A_, EPT_D as EPT_D_, EPT_PS as EPT_PS_, EPT_R as EPT_R_, EPT_W as EPT_W_, FLAG_MASK as FLAG_MASK_,
  PTE_D as PTE_D_, PTE_RW as PTE_RW_,
} from './pte.ts';
import { PagingStructureCache } from './paging-structure-cache.ts';
import { PrefixCache } from './prefix-cache.ts';
import { TableMemo } from './table-memo.ts';
import { newWalkResult } from './page-walker.ts';

// Imported constants are copied into module-local bindings: under tsx's module transform an imported binding
// is read through a getter on every use, which dominated the hot path (scripts/perf.ts profile).
const FAULT_EPT_VIOLATION = FAULT_EPT_VIOLATION_;
const FAULT_NOT_PRESENT = FAULT_NOT_PRESENT_;
const FAULT_PROTECTION = FAULT_PROTECTION_;
const EPT_A = EPT_A_;
const EPT_D = EPT_D_;
const EPT_PS = EPT_PS_;
const EPT_R = EPT_R_;
const EPT_W = EPT_W_;
const FLAG_MASK = FLAG_MASK_;
const PTE_D = PTE_D_;
const PTE_RW = PTE_RW_;

/** nested-TLB entries keep the EPT leaf's size above its flag bits */
const SIZE_SHIFT = 16;
/**
 * Nested-TLB key of a huge entry: its page number (gfn / pages of the leaf size) plus size × KEY_SIZE. Frame
 * numbers are below 2^40 (52-bit addresses), so keys of different sizes never meet, while the cache's filter,
 * which hashes the key's low 32 bits, still spreads huge entries by page number. A 4 KiB entry's key is its gfn.
 */
const KEY_SIZE = 2 ** 42;
/** 4 KiB frames per 2 MiB page */
const PD_SPAN = 512;
/** 4 KiB pages per 1 GiB region */
const PDPT_SPAN = 512 * 512;
/** EPT permission bits a walk accumulates: present (R) | writable (W); EPT has no user bit */
const EPT_PERM = EPT_R | EPT_W;

export class NestedWalker2D implements NestedWalker {
  readonly result: WalkResult = newWalkResult();
  private readonly guestMem: SparsePhysicalMemory;
  private readonly hostMem: SparsePhysicalMemory;
  /** guest-dimension paging-structure caches (shared with the TLB that invalidates them) */
  private readonly gpwc: PagingStructureCache;
  /** EPT-side paging-structure caches, keyed by guest-physical address */
  private readonly epwc: PagingStructureCache;
  private readonly nestedTlb: PrefixCache;

  // the guest entry format, as numbers
  private readonly gPresent: number;
  private readonly gWritable: number;
  private readonly gUser: number;
  private readonly gAccessed: number;
  private readonly gDirty: number;
  private readonly gPageSize: number;
  private readonly gPermBits: number;

  // the walk in progress: EPT root and tag, EPT references so far
  private eptRoot = 0;
  private eptTag = 0;
  private eptRefs = 0;
  /** page-size code and EPT flags of the last translation */
  private eptSize = 0;
  private eptFlags = 0;
  /**
   * bit (1 << size) set once the nested TLB was filled with an entry of that huge size since the last INVEPT:
   * translate() looks up the 2 MiB / 1 GiB keys only then (an exact skip, as with PrefixCache.used)
   */
  private ntlbHuge = 0;
  /** where the EPT tables (in host memory) and the guest's tables (in guest memory) of the last walk live */
  private readonly eptMemo: TableMemo;
  private readonly guestMemo: TableMemo;

  /** `guestPwc`: the guest-dimension caches, invalidated with the TLB; the EPT side is flushed by `invept` */
  constructor(guestMem: SparsePhysicalMemory, hostMem: SparsePhysicalMemory, guestFormat: EntryFormat, guestPwc: PagingStructureCache, sizes: PagingStructureCacheProfile) {
    this.guestMem = guestMem;
    this.hostMem = hostMem;
    this.gpwc = guestPwc;
    this.epwc = new PagingStructureCache(sizes);
    this.nestedTlb = new PrefixCache(sizes.nestedTlb);
    this.guestMemo = new TableMemo(guestMem);
    this.eptMemo = new TableMemo(hostMem);
    this.gPresent = guestFormat.present;
    this.gWritable = guestFormat.writable;
    this.gUser = guestFormat.user;
    this.gAccessed = guestFormat.accessed;
    this.gDirty = guestFormat.dirty;
    this.gPageSize = guestFormat.pageSize;
    this.gPermBits = guestFormat.present | guestFormat.writable | guestFormat.user;
  }

  walk(guestRoot: number, eptRoot: number, va: number, write: boolean, user: boolean, tag: number): WalkResult {
    this.eptRoot = eptRoot;
    this.eptTag = eptRoot | 0;
    this.eptRefs = 0;
    const r = this.guestWalk(guestRoot, va, write, user, tag);
    r.nestedRefs = this.eptRefs;
    r.refs += this.eptRefs;
    return r;
  }

  /** INVEPT: drop cached guest-physical translations (after the hypervisor changes EPT entries) */
  invept(): void {
    this.epwc.clear();
    this.nestedTlb.clear();
    this.ntlbHuge = 0;
  }

  /**
   * What an EPT violation at guest-physical `gpa` invalidates by itself (SDM Vol. 3 §29.4.3.1): the
   * guest-physical mappings that would translate it — its nested-TLB entries of every leaf size and the EPT
   * paging-structure-cache entries on its path. The combined mappings of the linear address go with the fault
   * (Mmu.access → SetAssociativeTlb.pageFault).
   */
  eptViolation(gpa: number): void {
    const gfn = Math.floor(gpa / 4096);
    const tag = this.eptTag;
    this.nestedTlb.drop(gfn, tag);
    this.nestedTlb.drop(Math.floor(gfn / PD_SPAN) + KEY_SIZE, tag);
    this.nestedTlb.drop(Math.floor(gfn / PDPT_SPAN) + 2 * KEY_SIZE, tag);
    this.epwc.dropAddress(gfn, tag);
  }

  /** the guest dimension: Walker1D.walk over guest memory, each table first reached through EPT */
  private guestWalk(root: number, va: number, write: boolean, user: boolean, tag: number): WalkResult {
    const r = this.result;
    const mem = this.guestMem;
    const pwc = this.gpwc;
    const present = this.gPresent;
    const permBits = this.gPermBits;
    r.refs = 0;
    r.nestedRefs = 0;
    r.fault = 0;
    r.faultGpa = 0;
    const vpn = Math.floor(va / 4096);
    const pdptKey = Math.floor(vpn / PDPT_SPAN);
    const low = vpn - pdptKey * PDPT_SPAN;
    const pdKey = pdptKey * 512 + (low >>> 9);
    const pml4Key = pdptKey >>> 9;
    let level = pwc.start(pml4Key, pdptKey, pdKey, tag, root, permBits);
    let table = pwc.startTable;
    let perm = pwc.startPerm;
    // each guest table's guest-physical frame goes through EPT before it is read; a combined paging-structure-
    // cache entry already holds the host-physical frame of the table it names (SDM Vol. 3 §29.4.1), so only a
    // walk from the root (CR3 holds a guest-physical address) translates its first table
    if (level === 4 && this.translate(table, false) < 0) {
      r.fault = FAULT_EPT_VIOLATION;
      r.faultGpa = table * 4096;
      return r;
    }
    const words = mem.words;
    const memo = this.guestMemo;
    memo.sync();
    for (;;) {
      const index = level === 1 ? low & 511 : level === 2 ? low >>> 9 : level === 3 ? pdptKey & 511 : pml4Key;
      r.refs++;
      const base = memo.base(level, table);
      if (base < 0) {
        r.fault = FAULT_NOT_PRESENT;
        return r;
      }
      const at = base + index * 2;
      let lo = words[at];
      if ((lo & present) === 0) {
        r.fault = FAULT_NOT_PRESENT;
        return r;
      }
      perm &= lo;
      const hi = words[at + 1];
      if (level === 1 || (level <= 3 && (lo & this.gPageSize) !== 0)) {
        if ((write && (perm & this.gWritable) === 0) || (user && (perm & this.gUser) === 0 && this.gUser !== 0)) {
          r.fault = FAULT_PROTECTION;
          return r;
        }
        const set = this.gAccessed | (write ? this.gDirty : 0);
        if ((lo & set) !== set) {
          lo = (lo | set) >>> 0;
          words[at] = lo;
        }
        const offset = level === 1 ? 0 : level === 2 ? low & 511 : low;
        const gfn = (lo >>> 12) + (hi & 0xfffff) * 1048576 + offset;
        r.frame = gfn;
        r.size = (level - 1) as WalkResult['size'];
        r.flags = (lo & FLAG_MASK & ~permBits) | (perm & permBits);
        // the final guest-physical page goes through EPT
        const hfn = this.translate(gfn, write);
        if (hfn < 0) {
          r.fault = FAULT_EPT_VIOLATION;
          r.faultGpa = gfn * 4096 + (va % 4096);
          return r;
        }
        r.frame = hfn;
        // the combined TLB entry covers the smaller of the two pages, is writable only if both dimensions
        // allow it, and is dirty only if both are (so a later write re-walks and sets the EPT Dirty bit)
        if (this.eptSize < r.size) r.size = this.eptSize as WalkResult['size'];
        if ((this.eptFlags & EPT_W) === 0) r.flags &= ~PTE_RW;
        if ((this.eptFlags & EPT_D) === 0) r.flags &= ~PTE_D;
        return r;
      }
      if ((lo & this.gAccessed) === 0) words[at] = (lo | this.gAccessed) >>> 0;
      const frameHi = hi & 0xfffff;
      table = frameHi === 0 ? lo >>> 12 : (lo >>> 12) + frameHi * 1048576;
      const hostTable = this.translate(table, false);
      if (hostTable < 0) {
        r.fault = FAULT_EPT_VIOLATION;
        r.faultGpa = table * 4096;
        return r;
      }
      if (pwc.enabled) pwc.fill(level, pml4Key, pdptKey, pdKey, tag, table, perm, hostTable);
      level--;
    }
  }

  /**
   * Host frame of guest frame `gfn`, or -1 on an EPT violation; sets eptSize / eptFlags. A cached translation
   * serves reads, and writes once the EPT leaf is writable and already dirty. The nested TLB is looked up at
   * 4 KiB, then (if it holds any) at 2 MiB and 1 GiB: an entry covers its EPT leaf's whole range.
   */
  private translate(gfn: number, write: boolean): number {
    const ntlb = this.nestedTlb;
    if (ntlb.used !== 0) {
      const tag = this.eptTag;
      let hit = ntlb.lookup(gfn, tag);
      let offset = 0;
      if (!hit && this.ntlbHuge !== 0) {
        if ((this.ntlbHuge & 2) !== 0) {
          const page = gfn <= 0xffffffff ? gfn >>> 9 : Math.floor(gfn / PD_SPAN);
          hit = ntlb.lookup(page + KEY_SIZE, tag);
          offset = gfn - page * PD_SPAN;
        }
        if (!hit && (this.ntlbHuge & 4) !== 0) {
          const page = Math.floor(gfn / PDPT_SPAN);
          hit = ntlb.lookup(page + 2 * KEY_SIZE, tag);
          offset = gfn - page * PDPT_SPAN;
        }
      }
      if (hit && (!write || (ntlb.perm & (EPT_W | EPT_D)) === (EPT_W | EPT_D))) {
        this.eptSize = ntlb.perm >>> SIZE_SHIFT;
        this.eptFlags = ntlb.perm & FLAG_MASK;
        return ntlb.frame + offset;
      }
    }
    const hfn = this.eptWalk(gfn, write);
    if (hfn >= 0 && ntlb.capacity !== 0) {
      const size = this.eptSize;
      const perm = this.eptFlags | (size << SIZE_SHIFT);
      if (size === 0) {
        ntlb.fill(gfn, this.eptTag, hfn, perm);
      } else {
        // one entry for the whole leaf: keyed by its page number, holding its first host frame
        const pages = size === 1 ? PD_SPAN : PDPT_SPAN;
        const page = Math.floor(gfn / pages);
        ntlb.fill(page + size * KEY_SIZE, this.eptTag, hfn - (gfn - page * pages), perm);
        this.ntlbHuge |= 1 << size;
      }
    }
    return hfn;
  }

  /** Walker1D.walk over the EPT (EPT_FORMAT, supervisor access): host frame of `gfn`, or -1 */
  private eptWalk(gfn: number, write: boolean): number {
    const pwc = this.epwc;
    const tag = this.eptTag;
    const pdptKey = Math.floor(gfn / PDPT_SPAN);
    const low = gfn - pdptKey * PDPT_SPAN;
    const pdKey = pdptKey * 512 + (low >>> 9);
    const pml4Key = pdptKey >>> 9;
    let level = pwc.start(pml4Key, pdptKey, pdKey, tag, this.eptRoot, EPT_PERM);
    let table = pwc.startTable;
    let perm = pwc.startPerm;
    const mem = this.hostMem;
    const words = mem.words;
    const memo = this.eptMemo;
    memo.sync();
    let refs = this.eptRefs;
    for (;;) {
      const index = level === 1 ? low & 511 : level === 2 ? low >>> 9 : level === 3 ? pdptKey & 511 : pml4Key;
      refs++;
      const base = memo.base(level, table);
      if (base < 0) {
        this.eptRefs = refs;
        return -1;
      }
      const at = base + index * 2;
      let lo = words[at];
      if ((lo & EPT_R) === 0) {
        this.eptRefs = refs;
        return -1;
      }
      perm &= lo;
      const hi = words[at + 1];
      if (level === 1 || (level <= 3 && (lo & EPT_PS) !== 0)) {
        this.eptRefs = refs;
        if (write && (perm & EPT_W) === 0) return -1;
        const set = write ? EPT_A | EPT_D : EPT_A;
        if ((lo & set) !== set) {
          lo = (lo | set) >>> 0;
          words[at] = lo;
        }
        const offset = level === 1 ? 0 : level === 2 ? low & 511 : low;
        this.eptSize = level - 1;
        this.eptFlags = (lo & FLAG_MASK & ~EPT_PERM) | (perm & EPT_PERM);
        return (lo >>> 12) + (hi & 0xfffff) * 1048576 + offset;
      }
      if ((lo & EPT_A) === 0) words[at] = (lo | EPT_A) >>> 0;
      const frameHi = hi & 0xfffff;
      table = frameHi === 0 ? lo >>> 12 : (lo >>> 12) + frameHi * 1048576;
      if (pwc.enabled) pwc.fill(level, pml4Key, pdptKey, pdKey, tag, table, perm, table);
      level--;
    }
  }
}
