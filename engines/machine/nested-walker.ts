// The two-dimensional walk of EPT / NPT (Bhargava et al., ASPLOS 2008; Intel SDM Vol. 3 §29.3): the guest's
// own 4-level walk over guest-physical memory, where every guest table and the final guest-physical page must
// first be translated through the 4-level EPT in host memory. Worst case (4+1)(4+1)−1 = 24 references.
// Three caches cut the average (≈ 4.4 references, "Every Walk's a Hit"): the guest-dimension paging-structure
// caches (combined entries keyed by guest VA), a nested TLB of gPA→hPA translations, and EPT-side
// paging-structure caches keyed by guest-physical address. A 2 MiB page in either dimension ends that
// dimension's walk one level early.
import type { EntryFormat, NestedWalker, WalkResult } from './types.ts';
import type { SparsePhysicalMemory } from './physical-memory.ts';
import { FAULT_EPT_VIOLATION as FAULT_EPT_VIOLATION_ } from './types.ts';
import type { PagingStructureCacheProfile } from './profile.ts';
import { EPT_D as EPT_D_, EPT_FORMAT, EPT_W as EPT_W_, FLAG_MASK as FLAG_MASK_, PTE_D as PTE_D_, PTE_RW as PTE_RW_ } from './pte.ts';
import { PagingStructureCache } from './paging-structure-cache.ts';
import { PrefixCache } from './prefix-cache.ts';
import { Walker1D } from './page-walker.ts';

// Imported constants are copied into module-local bindings: under tsx's module transform an imported binding
// is read through a getter on every use, which dominated the hot path (scripts/perf.ts profile).
const FAULT_EPT_VIOLATION = FAULT_EPT_VIOLATION_;
const EPT_D = EPT_D_;
const EPT_W = EPT_W_;
const FLAG_MASK = FLAG_MASK_;
const PTE_D = PTE_D_;
const PTE_RW = PTE_RW_;

/** nested-TLB entries keep the EPT leaf's size above its flag bits */
const SIZE_SHIFT = 16;

/** gPA → hPA through the EPT, with the nested TLB and EPT-side paging-structure caches */
class EptTranslator {
  /** EPT references made since the walk started */
  refs = 0;
  /** page-size code and EPT flags of the last translation */
  size = 0;
  flags = 0;
  root = 0;
  tag = 0;
  readonly pwc: PagingStructureCache;
  readonly nestedTlb: PrefixCache;
  private readonly walker: Walker1D;

  constructor(hostMem: SparsePhysicalMemory, sizes: PagingStructureCacheProfile) {
    this.pwc = new PagingStructureCache(sizes);
    this.nestedTlb = new PrefixCache(sizes.nestedTlb);
    this.walker = new Walker1D(hostMem, EPT_FORMAT, this.pwc, FAULT_EPT_VIOLATION, FAULT_EPT_VIOLATION);
  }

  /** host frame of guest frame `gfn`, or -1 on an EPT violation */
  translate(gfn: number, write: boolean): number {
    const ntlb = this.nestedTlb;
    // a cached translation serves reads, and writes once the EPT leaf is writable and already dirty
    if (ntlb.lookup(gfn, this.tag) && (!write || (ntlb.perm & (EPT_W | EPT_D)) === (EPT_W | EPT_D))) {
      this.size = ntlb.perm >>> SIZE_SHIFT;
      this.flags = ntlb.perm & FLAG_MASK;
      return ntlb.frame;
    }
    const r = this.walker.walk(this.root, gfn * 4096, write, false, this.tag);
    this.refs += r.refs;
    if (r.fault !== 0) return -1;
    this.size = r.size;
    this.flags = r.flags;
    ntlb.fill(gfn, this.tag, r.frame, r.flags | (r.size << SIZE_SHIFT));
    return r.frame;
  }
}

/** the guest dimension: a 1-D walk over guest-physical memory whose every table is first reached through EPT */
class GuestDimensionWalker extends Walker1D {
  constructor(guestMem: SparsePhysicalMemory, format: EntryFormat, pwc: PagingStructureCache, private readonly ept: EptTranslator) {
    super(guestMem, format, pwc);
  }

  protected override tableFrame(gfn: number): boolean {
    if (this.ept.translate(gfn, false) >= 0) return true;
    this.result.fault = FAULT_EPT_VIOLATION;
    this.result.faultGpa = gfn * 4096;
    return false;
  }

  protected override leafFrame(r: WalkResult, va: number, write: boolean): void {
    const gfn = r.frame;
    const hfn = this.ept.translate(gfn, write);
    if (hfn < 0) {
      r.fault = FAULT_EPT_VIOLATION;
      r.faultGpa = gfn * 4096 + (va % 4096);
      return;
    }
    r.frame = hfn;
    // the combined TLB entry covers the smaller of the two pages, is writable only if both dimensions allow
    // it, and is dirty only if both are (so a later write re-walks and sets the EPT Dirty bit)
    if (this.ept.size < r.size) r.size = this.ept.size as WalkResult['size'];
    if ((this.ept.flags & EPT_W) === 0) r.flags &= ~PTE_RW;
    if ((this.ept.flags & EPT_D) === 0) r.flags &= ~PTE_D;
  }
}

export class NestedWalker2D implements NestedWalker {
  readonly result: WalkResult;
  private readonly ept: EptTranslator;
  private readonly guest: GuestDimensionWalker;

  /** `guestPwc`: the guest-dimension caches, invalidated with the TLB; the EPT side is flushed by `invept` */
  constructor(guestMem: SparsePhysicalMemory, hostMem: SparsePhysicalMemory, guestFormat: EntryFormat, guestPwc: PagingStructureCache, sizes: PagingStructureCacheProfile) {
    this.ept = new EptTranslator(hostMem, sizes);
    this.guest = new GuestDimensionWalker(guestMem, guestFormat, guestPwc, this.ept);
    this.result = this.guest.result;
  }

  walk(guestRoot: number, eptRoot: number, va: number, write: boolean, user: boolean, tag: number): WalkResult {
    this.ept.root = eptRoot;
    this.ept.tag = eptRoot | 0;
    this.ept.refs = 0;
    const r = this.guest.walk(guestRoot, va, write, user, tag);
    r.nestedRefs = this.ept.refs;
    r.refs += this.ept.refs;
    return r;
  }

  /** INVEPT: drop cached guest-physical translations (after the hypervisor changes EPT entries) */
  invept(): void {
    this.ept.pwc.clear();
    this.ept.nestedTlb.clear();
  }
}
