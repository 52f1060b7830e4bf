// The one-dimensional hardware page walk (Intel SDM Vol. 3 §4.5): from a root table down to the leaf, one
// memory reference per level, skipping upper levels on a paging-structure-cache hit (§4.10.3.2). Sets Accessed
// on every entry used and Dirty on the leaf of a write (§4.8). Permissions are the AND of R/W and U/S over the
// path (§4.6; CR0.WP = 1, so supervisor writes to read-only pages fault too).
//
// The same walker reads EPT tables (EntryFormat selects the bits; faults become EPT violations) and PAE tables
// (EntryFormat.levels = 3, §4.4): there the root's 4 PDPTEs sit in the processor's PDPTE registers, loaded on
// MOV to CR3 (§4.4.1), so a walk reads its PDPTE without a memory reference, takes no access rights from it
// (§4.6.1: PDPTEs have no R/W or U/S), sets no Accessed bit in it (Table 4-8: reserved) and never caches it
// (§4.10.3.1: PAE paging has only PDE-cache entries). The registers are read here from the root table in
// memory, which gives the same translation while the PDPTEs do not change under a loaded CR3: Linux
// preallocates every PMD with the PGD for that reason (arch/x86/mm/pgtable.c, PREALLOCATED_PMDS). The 2-D walk
// (nested-walker.ts) follows the 4-level walk step for step in its own flat loops.
import type { EntryFormat, PageWalker, WalkResult } from './types.ts';
import type { SparsePhysicalMemory } from './physical-memory.ts';
import { FAULT_NOT_PRESENT as FAULT_NOT_PRESENT_, FAULT_PROTECTION as FAULT_PROTECTION_ } from './types.ts';
import { entryFrame as entryFrame_, FLAG_MASK as FLAG_MASK_ } from './pte.ts';
import type { PagingStructureCache } from './paging-structure-cache.ts';
import { TableMemo } from './table-memo.ts';

// Imported constants are copied into module-local bindings: under tsx's module transform an imported binding
// is read through a getter on every use, which dominated the hot path (scripts/perf.ts profile).
const FAULT_NOT_PRESENT = FAULT_NOT_PRESENT_;
const FAULT_PROTECTION = FAULT_PROTECTION_;
const entryFrame = entryFrame_;
const FLAG_MASK = FLAG_MASK_;

/** 4 KiB pages per 1 GiB region */
const PDPT_SPAN = 512 * 512;

export function newWalkResult(): WalkResult {
  return { frame: 0, size: 0, flags: 0, refs: 0, nestedRefs: 0, fault: 0, faultGpa: 0 };
}

export class Walker1D implements PageWalker {
  readonly result: WalkResult = newWalkResult();
  private readonly permBits: number;
  /** where each level's table of the last walk lives in mem */
  private readonly memo: TableMemo;
  /** the level whose entries come from registers, not memory: 3 under PAE (the PDPTEs), else none (0) */
  private readonly registerLevel: number;

  constructor(
    private readonly mem: SparsePhysicalMemory,
    private readonly format: EntryFormat,
    private readonly pwc: PagingStructureCache,
    /** fault code for a non-present entry / a permission violation (EPT: both are EPT violations) */
    private readonly notPresentFault: number = FAULT_NOT_PRESENT,
    private readonly protectionFault: number = FAULT_PROTECTION,
  ) {
    this.permBits = format.present | format.writable | format.user;
    this.memo = new TableMemo(mem);
    this.registerLevel = format.levels === 3 ? 3 : 0;
  }

  walk(root: number, va: number, write: boolean, user: boolean, tag: number): WalkResult {
    const r = this.result;
    const f = this.format;
    const mem = this.mem;
    const pwc = this.pwc;
    r.refs = 0;
    r.nestedRefs = 0;
    r.fault = 0;
    r.faultGpa = 0;
    // table indexes and PWC keys in 32-bit integer arithmetic: vpn < 2^40 for 52-bit addresses, so the
    // 1 GiB-region number (vpn / 2^18) and everything below it fit
    const vpn = Math.floor(va / 4096);
    const pdptKey = Math.floor(vpn / PDPT_SPAN);
    const low = vpn - pdptKey * PDPT_SPAN;
    const pdKey = pdptKey * 512 + (low >>> 9);
    const pml4Key = pdptKey >>> 9;
    // a PAE walk that no PDE-cache entry shortens starts at its PDPTE (pwc.start then returns 4: PAE never
    // fills the PML4 or PDPTE caches)
    let level = Math.min(pwc.start(pml4Key, pdptKey, pdKey, tag, root, this.permBits), f.levels);
    let table = pwc.startTable;
    let perm = pwc.startPerm;
    const words = mem.words;
    const memo = this.memo;
    const registerLevel = this.registerLevel;
    memo.sync();
    for (;;) {
      const index = level === 1 ? low & 511 : level === 2 ? low >>> 9 : level === 3 ? pdptKey & 511 : pml4Key;
      if (level !== registerLevel) r.refs++;
      const base = memo.base(level, table);
      if (base < 0) return this.fault(this.notPresentFault);
      const at = base + index * 2;
      let lo = words[at];
      if ((lo & f.present) === 0) return this.fault(this.notPresentFault);
      const hi = words[at + 1];
      if (level === registerLevel) {
        table = entryFrame(lo, hi);
        level--;
        continue;
      }
      perm &= lo;
      if (level === 1 || (level <= 3 && (lo & f.pageSize) !== 0)) {
        if ((write && (perm & f.writable) === 0) || (user && (perm & f.user) === 0 && f.user !== 0)) {
          return this.fault(this.protectionFault);
        }
        const set = f.accessed | (write ? f.dirty : 0);
        if ((lo & set) !== set) {
          lo = (lo | set) >>> 0;
          words[at] = lo;
        }
        const offset = level === 1 ? 0 : level === 2 ? low & 511 : low;
        r.frame = entryFrame(lo, hi) + offset;
        r.size = (level - 1) as WalkResult['size'];
        r.flags = (lo & FLAG_MASK & ~this.permBits) | (perm & this.permBits);
        return r;
      }
      if ((lo & f.accessed) === 0) words[at] = (lo | f.accessed) >>> 0;
      const frameHi = hi & 0xfffff;
      table = frameHi === 0 ? lo >>> 12 : entryFrame(lo, hi);
      if (pwc.enabled) pwc.fill(level, pml4Key, pdptKey, pdKey, tag, table, perm, table);
      level--;
    }
  }

  private fault(code: number): WalkResult {
    this.result.fault = code;
    return this.result;
  }
}
