// A two-level, set-associative TLB with true LRU per set (Intel Optimization Manual / AMD SOG geometries from
// the cost profile). 4 KiB and huge entries live in separate arrays, as on real parts. Entries are tagged with
// PCID and VPID; global entries match every PCID of their VPID and survive MOV to CR3 (SDM Vol. 3 §4.10.2.4)
// while CR4.PGE is set; with PGE clear the G bit is ignored, and a CR4 write changing PGE flushes everything.
// Non-global entries carry the generation of their VPID at fill time, so a CR3-write flush is one counter bump
// instead of a sweep over every entry. Every flush is counted on Counters by scope and cause.
import type { FlushCause } from '../types.ts';
import type { Counters } from './counters.ts';
import type { CacheGeometry, TlbProfile } from './profile.ts';
import type { PageSizeCode, Tlb } from './types.ts';
import { walkTag as walkTag_, type PagingStructureCache } from './paging-structure-cache.ts';
import { PAGES_PER_SIZE as PAGES_PER_SIZE_, PTE_G as PTE_G_ } from './pte.ts';

// Imported constants are copied into module-local bindings: under tsx's module transform an imported binding
// is read through a getter on every use, which dominated the hot path (scripts/perf.ts profile).
const PAGES_PER_SIZE = PAGES_PER_SIZE_;
const PTE_G = PTE_G_;
const walkTag = walkTag_;

/** VPIDs are 16-bit (SDM Vol. 3 §29.1) */
const VPID_COUNT = 1 << 16;

/** one set-associative array; `key` is the page number at the array's page size */
class TlbArray {
  readonly entries: number;
  readonly mask: number;
  readonly ways: number;
  readonly keys: Float64Array;
  readonly sizes: Uint8Array;
  readonly pcids: Int32Array;
  readonly vpids: Int32Array;
  readonly frames: Float64Array;
  readonly flags: Int32Array;
  readonly gens: Int32Array;
  readonly stamps: Float64Array;
  readonly valid: Uint8Array;
  /** fills per page size since the last full flush: lets lookups skip sizes never filled */
  readonly filled = new Float64Array(3);
  /**
   * per set: equal to `epoch` when every way was seen valid and live by insert() and nothing was invalidated
   * since, so the next insert need not look for a dead way (there is none). A drop resets its set; a clear, a
   * tag flush or a generation bump starts a new epoch (a double: it never wraps around).
   */
  private readonly setLive: Float64Array;
  private epoch = 1;

  /** `vpidGens`: the TLB's per-VPID generations, shared by its arrays */
  constructor(g: CacheGeometry, private readonly vpidGens: Int32Array) {
    if (g.sets <= 0 || (g.sets & (g.sets - 1)) !== 0) throw new RangeError(`TLB sets must be a power of two, got ${g.sets}`);
    this.entries = g.sets * g.ways;
    this.mask = g.sets - 1;
    this.ways = g.ways;
    this.keys = new Float64Array(this.entries);
    this.sizes = new Uint8Array(this.entries);
    this.pcids = new Int32Array(this.entries);
    this.vpids = new Int32Array(this.entries);
    this.frames = new Float64Array(this.entries);
    this.flags = new Int32Array(this.entries);
    this.gens = new Int32Array(this.entries);
    this.stamps = new Float64Array(this.entries);
    this.valid = new Uint8Array(this.entries);
    this.setLive = new Float64Array(g.sets);
  }

  /** is entry `i` live: valid, and global or filled in its VPID's current generation */
  live(i: number): boolean {
    return this.valid[i] !== 0 && ((this.flags[i] & PTE_G) !== 0 || this.gens[i] === this.vpidGens[this.vpids[i]]);
  }

  find(key: number, size: number, pcid: number, vpid: number, gen: number): number {
    const keys = this.keys;
    const first = (key & this.mask) * this.ways;
    const end = first + this.ways;
    for (let i = first; i < end; i++) {
      if (keys[i] !== key) continue;
      if (this.valid[i] === 0 || this.vpids[i] !== vpid || this.sizes[i] !== size) continue;
      if ((this.flags[i] & PTE_G) !== 0 || (this.pcids[i] === pcid && this.gens[i] === gen)) return i;
    }
    return -1;
  }

  insert(key: number, size: number, pcid: number, vpid: number, gen: number, frame: number, flags: number, stamp: number): void {
    const keys = this.keys;
    const valid = this.valid;
    const vpids = this.vpids;
    const stamps = this.stamps;
    const set = key & this.mask;
    const first = set * this.ways;
    const end = first + this.ways;
    const allLive = this.setLive[set] === this.epoch;
    /** current generation of the inserting VPID: most ways belong to it */
    const current = this.vpidGens[vpid];
    // the same page and tag again (a re-walk after a Dirty-clear or permission miss) replaces its entry;
    // otherwise the first dead way (invalid, or non-global of a stale generation), otherwise the least recently
    // used — found in one pass
    let match = -1;
    let dead = -1;
    let lru = first;
    let lruStamp = stamps[first];
    for (let i = first; i < end; i++) {
      if (keys[i] === key && valid[i] !== 0 && this.sizes[i] === size && vpids[i] === vpid && this.pcids[i] === pcid) {
        match = i;
        break;
      }
      if (!allLive && dead < 0) {
        if (valid[i] === 0) {
          dead = i;
          continue;
        }
        const v = vpids[i];
        if ((this.flags[i] & PTE_G) === 0 && this.gens[i] !== (v === vpid ? current : this.vpidGens[v])) {
          dead = i;
          continue;
        }
      }
      const st = stamps[i];
      if (st < lruStamp) {
        lru = i;
        lruStamp = st;
      }
    }
    // no match and no dead way: every way was scanned and is live
    if (!allLive && match < 0 && dead < 0) this.setLive[set] = this.epoch;
    const victim = match >= 0 ? match : dead >= 0 ? dead : lru;
    this.keys[victim] = key;
    this.sizes[victim] = size;
    this.pcids[victim] = pcid;
    this.vpids[victim] = vpid;
    this.frames[victim] = frame;
    this.flags[victim] = flags;
    this.gens[victim] = gen;
    this.stamps[victim] = stamp;
    this.valid[victim] = 1;
    this.filled[size]++;
  }

  /** drop entries matching `key`/`size` of `vpid` that belong to `pcid` or are global */
  dropPage(key: number, size: number, pcid: number, vpid: number): void {
    this.setLive[key & this.mask] = 0;
    const first = (key & this.mask) * this.ways;
    for (let i = first; i < first + this.ways; i++) {
      if (this.keys[i] === key && this.sizes[i] === size && this.vpids[i] === vpid &&
        (this.pcids[i] === pcid || (this.flags[i] & PTE_G) !== 0)) this.valid[i] = 0;
    }
  }

  /** drop entries of `vpid`; of one PCID (non-global only) when pcid ≥ 0, everything of the VPID otherwise */
  dropTag(pcid: number, vpid: number): void {
    this.epoch++;
    for (let i = 0; i < this.entries; i++) {
      if (this.vpids[i] !== vpid) continue;
      if (pcid < 0 || (this.pcids[i] === pcid && (this.flags[i] & PTE_G) === 0)) this.valid[i] = 0;
    }
  }

  /** the non-global entries of some VPID just went stale (its generation was bumped) */
  staleNonGlobal(): void {
    this.epoch++;
  }

  clear(): void {
    this.epoch++;
    this.valid.fill(0);
    this.filled.fill(0);
  }
}

/** page number of `vpn` at page-size code `size` */
function pageKey(vpn: number, size: number): number {
  return size === 0 ? vpn : Math.floor(vpn / PAGES_PER_SIZE[size]);
}

export class SetAssociativeTlb implements Tlb {
  frame = 0;
  flags = 0;
  hitLevel = 0;
  private readonly l1: TlbArray;
  private readonly l1Huge: TlbArray;
  private readonly l2: TlbArray;
  private readonly l2Huge: TlbArray;
  /** generation of the non-global entries of each VPID, bumped by flushNonGlobal */
  private readonly gens = new Int32Array(VPID_COUNT);
  private clock = 0;
  /** CR4.PGE: whether the G bit of a filled translation makes it global */
  private pge = true;

  /** `pwc`: the paging-structure caches invalidated together with the TLB (SDM §4.10.4.1) */
  constructor(geometry: TlbProfile, private readonly counters: Counters, private readonly pwc?: PagingStructureCache) {
    this.l1 = new TlbArray(geometry.l1, this.gens);
    this.l1Huge = new TlbArray(geometry.l1Huge, this.gens);
    this.l2 = new TlbArray(geometry.l2, this.gens);
    this.l2Huge = new TlbArray(geometry.l2Huge, this.gens);
  }

  lookup(vpn: number, pcid: number, vpid: number): boolean {
    const gen = this.gens[vpid];
    return this.probe(this.l1, this.l1Huge, vpn, pcid, vpid, gen, 1) || this.probe(this.l2, this.l2Huge, vpn, pcid, vpid, gen, 2);
  }

  fill(vpn: number, size: PageSizeCode, pcid: number, vpid: number, frame: number, flags: number): void {
    const key = pageKey(vpn, size);
    const gen = this.gens[vpid];
    const stamp = ++this.clock;
    if (!this.pge) flags &= ~PTE_G;
    (size === 0 ? this.l1 : this.l1Huge).insert(key, size, pcid, vpid, gen, frame, flags, stamp);
    (size === 0 ? this.l2 : this.l2Huge).insert(key, size, pcid, vpid, gen, frame, flags, stamp);
  }

  /** INVLPG: the page's entries, and every paging-structure-cache entry of the PCID (SDM Vol. 3 §4.10.4.1) */
  invalidatePage(vpn: number, pcid: number, vpid: number, cause: FlushCause): void {
    this.dropTranslation(vpn, pcid, vpid);
    this.pwc?.flushTag(walkTag(pcid, vpid));
    this.counters.flush('single', cause);
  }

  /**
   * What a page fault at `vpn` invalidates by itself (SDM Vol. 3 §4.10.4.1, after the instruction list): the
   * TLB entries for the faulting page of the current PCID and the paging-structure-cache entries that would be
   * used for its address — no more, unlike INVLPG. No instruction ran, so no flush is counted; this is why
   * Linux on x86 flushes nothing after making an entry more permissive (arch/x86/mm/pgtable.c
   * ptep_set_access_flags, and flush_tlb_fix_spurious_fault defined empty in arch/x86/include/asm/pgtable.h).
   */
  pageFault(vpn: number, pcid: number, vpid: number): void {
    this.dropTranslation(vpn, pcid, vpid);
    this.pwc?.dropAddress(vpn, walkTag(pcid, vpid));
  }

  private dropTranslation(vpn: number, pcid: number, vpid: number): void {
    this.l1.dropPage(vpn, 0, pcid, vpid);
    this.l2.dropPage(vpn, 0, pcid, vpid);
    for (let size = 1; size <= 2; size++) {
      this.l1Huge.dropPage(pageKey(vpn, size), size, pcid, vpid);
      this.l2Huge.dropPage(pageKey(vpn, size), size, pcid, vpid);
    }
  }

  flushNonGlobal(vpid: number, cause: FlushCause): void {
    this.gens[vpid]++;
    this.l1.staleNonGlobal();
    this.l1Huge.staleNonGlobal();
    this.l2.staleNonGlobal();
    this.l2Huge.staleNonGlobal();
    this.pwc?.flushVpid(vpid);
    this.counters.flush('nonGlobal', cause);
  }

  flushTag(pcid: number, vpid: number, cause: FlushCause): void {
    for (const a of [this.l1, this.l1Huge, this.l2, this.l2Huge]) a.dropTag(pcid, vpid);
    if (pcid < 0) this.pwc?.flushVpid(vpid);
    else this.pwc?.flushTag(walkTag(pcid, vpid));
    this.counters.flush('tagged', cause);
  }

  flushAll(cause: FlushCause): void {
    this.l1.clear();
    this.l1Huge.clear();
    this.l2.clear();
    this.l2Huge.clear();
    this.pwc?.clear();
    this.counters.flush('full', cause);
  }

  setPge(on: boolean, cause: FlushCause): void {
    if (on === this.pge) return;
    this.pge = on;
    this.flushAll(cause);
  }

  get size(): number {
    let n = 0;
    for (const a of [this.l1, this.l1Huge, this.l2, this.l2Huge]) {
      for (let i = 0; i < a.entries; i++) if (a.live(i)) n++;
    }
    return n;
  }

  /** look `vpn` up in one level (4 KiB array, then each huge size); on an L2 hit, promote into L1 */
  private probe(small: TlbArray, huge: TlbArray, vpn: number, pcid: number, vpid: number, gen: number, level: number): boolean {
    let array = small;
    let i = small.find(vpn, 0, pcid, vpid, gen);
    let size = 0;
    for (let s = 1; i < 0 && s <= 2; s++) {
      if (huge.filled[s] === 0) continue;
      i = huge.find(pageKey(vpn, s), s, pcid, vpid, gen);
      array = huge;
      size = s;
    }
    if (i < 0) return false;
    const stamp = ++this.clock;
    array.stamps[i] = stamp;
    const base = array.frames[i];
    this.frame = size === 0 ? base : base + (vpn - pageKey(vpn, size) * PAGES_PER_SIZE[size]);
    this.flags = array.flags[i];
    this.hitLevel = level;
    if (level === 2) {
      (size === 0 ? this.l1 : this.l1Huge).insert(array.keys[i], size, array.pcids[i], vpid, array.gens[i], base, this.flags, stamp);
    }
    return true;
  }
}
