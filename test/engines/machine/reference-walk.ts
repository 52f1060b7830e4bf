// The page walk as Intel SDM Vol. 3 §4.5 describes it, one level at a time through the PhysicalMemory interface,
// written once for every kind of table: x86-64, PAE (§4.4: the PDPTEs come from registers, no reference, no
// rights, no Accessed bit) and EPT (§29.3). The 2-D walk (§29.3, Bhargava et al., ASPLOS 2008) is this walk over
// the guest's tables with every guest-physical table and the final page translated by this walk over the EPT.
// The fast walkers (engines/machine/page-walker.ts, nested-walker.ts) are three flat loops written out for
// speed; walk-differential.test.ts holds them to this one. Paging-structure caches are consulted and filled
// through the same PagingStructureCache class, so that reference counts can be compared with caches on.
import type { PagingStructureCache } from '../../../engines/machine/paging-structure-cache.ts';
import type { EntryFormat, PhysicalMemory } from '../../../engines/machine/types.ts';
import { FAULT_EPT_VIOLATION, FAULT_NOT_PRESENT, FAULT_PROTECTION } from '../../../engines/machine/types.ts';
import { EPT_D, EPT_FORMAT, EPT_W, entryFrame, FLAG_MASK, PTE_D, PTE_RW } from '../../../engines/machine/pte.ts';

export interface ReferenceResult {
  fault: number;
  faultGpa: number;
  frame: number;
  size: number;
  flags: number;
  refs: number;
  nestedRefs: number;
}

/** one dimension's outcome: ok, or a fault of the walked tables, or a table whose translation failed */
interface DimResult {
  fault: 'none' | 'not-present' | 'protection' | 'table';
  /** the 4 KiB frame of the address (ok), or the table that could not be translated ('table') */
  frame: number;
  size: number;
  flags: number;
  refs: number;
}

/** 4 KiB pages below one entry of each level: [_, 1, 512, 512², 512³] */
const PAGES = [0, 1, 512, 512 * 512, 512 * 512 * 512];

/**
 * Walk page number `vpn` from `root`. `translate` (2-D only) gives the host frame of a guest table before it is
 * read, or -1; the root is translated only when the walk starts there (a paging-structure-cache hit names a
 * table whose translation the combined entry already holds, SDM §29.4.1).
 */
function walkDimension(
  mem: PhysicalMemory, f: EntryFormat, pwc: PagingStructureCache, root: number, vpn: number, write: boolean, user: boolean,
  tag: number, translate: ((gfn: number) => number) | null,
): DimResult {
  const permBits = f.present | f.writable | f.user;
  // the caches' keys: the address bits above what one entry of `level` maps (PML4E: bits 47:39, PDE: 47:21)
  const key = (level: number) => Math.floor(vpn / PAGES[level]);
  let level = Math.min(pwc.start(key(4), key(3), key(2), tag, root, permBits), f.levels);
  let table = pwc.startTable;
  let perm = pwc.startPerm;
  const out: DimResult = { fault: 'none', frame: 0, size: 0, flags: 0, refs: 0 };
  if (translate !== null && level === 4 && translate(table) < 0) return { ...out, fault: 'table', frame: table };
  const registerLevel = f.levels === 3 ? 3 : 0;
  for (;;) {
    const index = Math.floor(vpn / PAGES[level]) % 512;
    if (level !== registerLevel) out.refs++;
    const lo = mem.readLo(table, index);
    if ((lo & f.present) === 0) return { ...out, fault: 'not-present' };
    const hi = mem.readHi(table, index);
    if (level === registerLevel) {
      table = entryFrame(lo, hi);
      level--;
      continue;
    }
    perm &= lo;
    const leaf = level === 1 || (level <= 3 && (lo & f.pageSize) !== 0);
    if (leaf) {
      if (write && (perm & f.writable) === 0) return { ...out, fault: 'protection' };
      if (user && f.user !== 0 && (perm & f.user) === 0) return { ...out, fault: 'protection' };
      mem.setLoBits(table, index, f.accessed | (write ? f.dirty : 0));
      const now = mem.readLo(table, index);
      out.frame = entryFrame(lo, hi) + (vpn % PAGES[level]);
      out.size = level - 1;
      out.flags = (now & FLAG_MASK & ~permBits) | (perm & permBits);
      return out;
    }
    mem.setLoBits(table, index, f.accessed);
    const next = entryFrame(lo, hi);
    let host = next;
    if (translate !== null) {
      host = translate(next);
      if (host < 0) return { ...out, fault: 'table', frame: next };
    }
    pwc.fill(level, key(4), key(3), key(2), tag, next, perm, host);
    table = next;
    level--;
  }
}

const FAULT_OF = { 'not-present': FAULT_NOT_PRESENT, protection: FAULT_PROTECTION } as const;

/** a 1-D walk of `va` (x86-64, PAE or EPT tables) */
export function referenceWalk1D(mem: PhysicalMemory, f: EntryFormat, pwc: PagingStructureCache, root: number, va: number, write: boolean, user: boolean, tag: number): ReferenceResult {
  const r = walkDimension(mem, f, pwc, root, Math.floor(va / 4096), write, user, tag, null);
  // EPT tables report both kinds of fault as an EPT violation
  const fault = r.fault === 'none' ? 0 : f === EPT_FORMAT ? FAULT_EPT_VIOLATION : FAULT_OF[r.fault as 'not-present' | 'protection'];
  return { fault, faultGpa: 0, frame: r.frame, size: r.size, flags: r.flags, refs: r.refs, nestedRefs: 0 };
}

/** a 2-D walk of `va`: the guest's x86-64 tables in `guestMem`, every guest frame translated by the EPT in `hostMem` */
export function referenceWalk2D(
  guestMem: PhysicalMemory, hostMem: PhysicalMemory, guestFormat: EntryFormat, guestPwc: PagingStructureCache, eptPwc: PagingStructureCache,
  guestRoot: number, eptRoot: number, va: number, write: boolean, user: boolean, tag: number,
): ReferenceResult {
  let nestedRefs = 0;
  let ept: DimResult = { fault: 'none', frame: 0, size: 0, flags: 0, refs: 0 };
  const translate = (gfn: number, w: boolean): number => {
    ept = walkDimension(hostMem, EPT_FORMAT, eptPwc, eptRoot, gfn, w, false, eptRoot | 0, null);
    nestedRefs += ept.refs;
    return ept.fault === 'none' ? ept.frame : -1;
  };
  const g = walkDimension(guestMem, guestFormat, guestPwc, guestRoot, Math.floor(va / 4096), write, user, tag, (gfn) => translate(gfn, false));
  const done = (fault: number, faultGpa: number, frame = 0, size = 0, flags = 0): ReferenceResult =>
    ({ fault, faultGpa, frame, size, flags, refs: g.refs + nestedRefs, nestedRefs });
  if (g.fault === 'table') return done(FAULT_EPT_VIOLATION, g.frame * 4096);
  if (g.fault !== 'none') return done(FAULT_OF[g.fault], 0);
  const hfn = translate(g.frame, write);
  if (hfn < 0) return done(FAULT_EPT_VIOLATION, g.frame * 4096 + (va % 4096));
  // the combined translation: the smaller page, writable and dirty only if both dimensions are (§29.4.1)
  let flags = g.flags;
  if ((ept.flags & EPT_W) === 0) flags &= ~PTE_RW;
  if ((ept.flags & EPT_D) === 0) flags &= ~PTE_D;
  return done(0, 0, hfn, Math.min(g.size, ept.size), flags);
}
