// The per-vCPU MMU: the path every simulated memory access takes. A TLB lookup first; on a miss (or a hit
// that cannot serve the access: a write through a clean or read-only entry, a user access to a supervisor
// entry — real hardware re-walks then, SDM Vol. 3 §4.8 and §4.10.2.3) a 1-D walk natively / under PV / under
// shadow paging, or a 2-D walk under EPT. Cycles are charged to the guest under the mechanism that caused
// them, so the harness can explain overhead: `memory-access`, `tlb-l2`, `page-walk`, `nested-walk`. The access
// itself is then served by the near caches (the L1 hit's latency, in `memory-access`), the last-level cache or
// DRAM (the extra latency in `data-cache`), by how recently its page was touched (page-recency.ts).
import { HOT_DATA_CACHE as HOT_DATA_CACHE_, HOT_MEMORY_ACCESS as HOT_MEMORY_ACCESS_, HOT_NESTED_WALK as HOT_NESTED_WALK_, HOT_PAGE_WALK as HOT_PAGE_WALK_, HOT_TLB_L2 as HOT_TLB_L2_, type Counters } from './counters.ts';
import type { CostProfile } from './profile.ts';
import type { SparsePhysicalMemory } from './physical-memory.ts';
import { FAULT_EPT_VIOLATION as FAULT_EPT_VIOLATION_, FAULT_NONE as FAULT_NONE_, type EntryFormat } from './types.ts';
import { PAGES_PER_SIZE as PAGES_PER_SIZE_, PTE_D as PTE_D_, PTE_RW as PTE_RW_, PTE_US as PTE_US_, X86_FORMAT } from './pte.ts';
import { PagingStructureCache, walkTag as walkTag_ } from './paging-structure-cache.ts';
import { SetAssociativeTlb } from './tlb.ts';
import { Walker1D } from './page-walker.ts';
import { NestedWalker2D } from './nested-walker.ts';
import { PageRecency } from './page-recency.ts';

// Imported constants are copied into module-local bindings: under tsx's module transform an imported binding
// is read through a getter on every use, which dominated the hot path (scripts/perf.ts profile).
const FAULT_NONE = FAULT_NONE_;
const FAULT_EPT_VIOLATION = FAULT_EPT_VIOLATION_;
const PAGES_PER_SIZE = PAGES_PER_SIZE_;
const PTE_D = PTE_D_;
const PTE_RW = PTE_RW_;
const PTE_US = PTE_US_;
const walkTag = walkTag_;
const HOT_MEMORY_ACCESS = HOT_MEMORY_ACCESS_;
const HOT_TLB_L2 = HOT_TLB_L2_;
const HOT_PAGE_WALK = HOT_PAGE_WALK_;
const HOT_NESTED_WALK = HOT_NESTED_WALK_;
const HOT_DATA_CACHE = HOT_DATA_CACHE_;

export type MmuMode = 'native' | 'nested';

export class Mmu {
  /** exposed so engines flush with the right cause (cr3, invlpg, hypercall, vmentry, shootdown, grantUnmap, invept, shadow) */
  readonly tlb: SetAssociativeTlb;
  /** guest-dimension (or native) paging-structure caches, invalidated together with the TLB */
  readonly pwc: PagingStructureCache;

  // context: the CR3 / EPTP / PCID / VPID the vCPU runs with
  mode: MmuMode = 'native';
  /** root table frame: in `memory` natively, in `guestMemory` when nested */
  root = 0;
  pcid = 0;
  vpid = 0;
  eptRoot = 0;

  // details of the last fault returned by access()
  faultCode = FAULT_NONE;
  faultVa = 0;
  /** guest-physical address of an EPT violation */
  faultGpa = 0;
  faultWrite = false;

  private readonly walker: Walker1D;
  private readonly nested: NestedWalker2D | null;
  private readonly l1HitCycles: number;
  private readonly l2HitCycles: number;
  private readonly memRef: number;
  /**
   * pages this vCPU's own caches hold: a PageRecency's table, checked inline where access() has its frame —
   * the hot path: TLB hits ran 10 % slower than before the data caches with a touch() call there, and 21 % with
   * one method doing the whole data access, against 6 % inline (scripts/perf.ts's cases, measured interleaved)
   */
  private readonly nearFrames: Float64Array;
  private readonly nearMask: number;
  /** pages the last-level cache holds, shared by the machine's vCPUs; null when the near caches are the last */
  private readonly llc: PageRecency | null;
  private readonly llcCycles: number;
  private readonly dramCycles: number;

  /**
   * `memory`: where 1-D walks read tables (host memory: native, PV direct paging, shadow tables).
   * `guestMemory`: guest-physical memory holding the guest's own tables for 2-D walks (EPT engines only).
   * `paging`: the layout 1-D walks read, 4-level x86-64 unless a 32-bit guest runs with PAE (PAE_FORMAT).
   * `llc`: the last-level cache's pages, which the vCPUs of one machine share (machine.ts); by default this
   * MMU's own, as the profile sizes it.
   */
  constructor(
    private readonly profile: CostProfile,
    private readonly counters: Counters,
    memory: SparsePhysicalMemory,
    guestMemory?: SparsePhysicalMemory,
    paging: EntryFormat = X86_FORMAT,
    llc: PageRecency | null = lastLevelCache(profile),
  ) {
    this.pwc = new PagingStructureCache(profile.pwc);
    this.tlb = new SetAssociativeTlb(profile.tlb, counters, this.pwc);
    this.walker = new Walker1D(memory, paging, this.pwc);
    this.nested = guestMemory ? new NestedWalker2D(guestMemory, memory, X86_FORMAT, this.pwc, profile.pwc) : null;
    this.l1HitCycles = profile.tlb.l1HitCycles;
    this.l2HitCycles = profile.tlb.l2HitCycles;
    this.memRef = profile.native.memRef;
    const near = new PageRecency(profile.dataCache.nearPages);
    this.nearFrames = near.frames;
    this.nearMask = near.mask;
    this.llc = llc;
    this.llcCycles = profile.dataCache.llcCycles;
    this.dramCycles = profile.dataCache.dramCycles;
  }

  /** load CR3 (and, nested, the EPTP); flushing is the caller's decision, made with its own cause */
  setContext(mode: MmuMode, root: number, pcid: number, vpid: number, eptRoot = 0): void {
    if (mode === 'nested' && this.nested === null) throw new Error('mmu: nested mode needs guest-physical memory');
    this.mode = mode;
    this.root = root;
    this.pcid = pcid;
    this.vpid = vpid;
    this.eptRoot = eptRoot;
  }

  /** one data access at `va`: 0, or a FAULT_* code with details in the fault fields */
  access(va: number, write: boolean, user: boolean): number {
    const c = this.counters;
    const tlb = this.tlb;
    c.chargeGuestHot(HOT_MEMORY_ACCESS, this.l1HitCycles);
    const vpn = Math.floor(va / 4096);
    if (tlb.lookup(vpn, this.pcid, this.vpid)) {
      if (tlb.hitLevel === 2) c.chargeGuestHot(HOT_TLB_L2, this.l2HitCycles);
      const flags = tlb.flags;
      if ((!write || (flags & (PTE_RW | PTE_D)) === (PTE_RW | PTE_D)) && (!user || (flags & PTE_US) !== 0)) {
        const frame = tlb.frame;
        const slot = frame & this.nearMask;
        if (this.nearFrames[slot] !== frame) this.farLoad(frame, slot);
        return FAULT_NONE;
      }
    }
    c.tlbMisses++;
    const tag = walkTag(this.pcid, this.vpid);
    const r = this.mode === 'nested'
      ? this.nested!.walk(this.root, this.eptRoot, va, write, user, tag)
      : this.walker.walk(this.root, va, write, user, tag);
    c.walkRefs += r.refs;
    c.chargeGuestHot(HOT_PAGE_WALK, (r.refs - r.nestedRefs) * this.memRef);
    c.chargeGuestHot(HOT_NESTED_WALK, r.nestedRefs * this.memRef);
    if (r.fault !== FAULT_NONE) {
      // the fault itself invalidates what would translate `va` (SDM Vol. 3 §4.10.4.1), and an EPT violation the
      // guest-physical mappings of the address it could not translate (§29.4.3.1); the handler's retry re-walks
      tlb.pageFault(vpn, this.pcid, this.vpid);
      if (r.fault === FAULT_EPT_VIOLATION) this.nested!.eptViolation(r.faultGpa);
      this.faultCode = r.fault;
      this.faultVa = va;
      this.faultGpa = r.faultGpa;
      this.faultWrite = write;
      return r.fault;
    }
    // the page's first frame: vpn % pages without a floating-point remainder (a call into C for vpn ≥ 2^31);
    // exact, as pages is a power of two and vpn < 2^53
    const pages = PAGES_PER_SIZE[r.size];
    const first = pages === 1 ? r.frame : r.frame - (vpn - Math.floor(vpn / pages) * pages);
    tlb.fill(vpn, r.size, this.pcid, this.vpid, first, r.flags);
    const slot = r.frame & this.nearMask;
    if (this.nearFrames[slot] !== r.frame) this.farLoad(r.frame, slot);
    return FAULT_NONE;
  }

  /** a data access to `frame` that the near caches missed: the last-level cache's latency or DRAM's */
  private farLoad(frame: number, nearSlot: number): void {
    this.nearFrames[nearSlot] = frame;
    const c = this.counters;
    if (this.llc !== null && this.llc.touch(frame)) {
      c.llcLoads++;
      c.chargeGuestHot(HOT_DATA_CACHE, this.llcCycles);
    } else {
      c.dramLoads++;
      c.chargeGuestHot(HOT_DATA_CACHE, this.dramCycles);
    }
  }

  /**
   * `n` VM exits + entries in a row: without VPID (or with VPID 0, the host's own tag) VM entries and exits
   * invalidate all linear and combined mappings (SDM Vol. 3 §29.4.3.1), each counted as a full flush caused by
   * `vmentry`. Nothing fills the TLB between back-to-back exits, so after the first flush the others find it
   * empty: they change no state and are only counted, which keeps a count of 2^53 exits O(1).
   */
  vmExitEntry(n = 1): void {
    if (n === 0 || (this.profile.features.vpid && this.vpid !== 0)) return;
    this.tlb.flushAll('vmentry');
    if (n > 1) this.counters.flush('full', 'vmentry', n - 1);
  }

  /**
   * INVEPT (single-context) after the hypervisor changed EPT entries: guest-physical mappings (nested TLB,
   * EPT-side caches) and combined mappings — this vCPU's TLB entries and guest-dimension paging-structure
   * cache entries, which hold host-physical frames — are dropped (Intel SDM Vol. 3 §29.4.3.1)
   */
  invept(): void {
    this.nested?.invept();
    this.tlb.flushTag(-1, this.vpid, 'invept');
  }
}

/** a last-level cache of the profile's size, or null when the profile has none beyond the near caches */
export function lastLevelCache(profile: CostProfile): PageRecency | null {
  return profile.dataCache.llcPages > 0 ? new PageRecency(profile.dataCache.llcPages) : null;
}
