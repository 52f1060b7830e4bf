// The shadow MMU of the VT-x machine without EPT: separate shadow page tables in host memory that the hardware
// walks, built lazily on shadow page faults from the guest's own tables in guest-physical memory. KVM
// (Linux arch/x86/kvm/mmu/mmu.c, paging_tmpl.h) and Xen (xen/arch/x86/mm/shadow/multi.c, oos.c, hvm.c) build
// the same machine; where their rules differ the hypervisor's ShadowPolicy (engines/types.ts) decides —
// kvm-shadow-policy.ts and engines/xen-hvm/xen-shadow-policy.ts. Names below are KVM's, Xen's follow in brackets.
//
// - Shadow pages are cached by the guest table frame they shadow and their role (here the level: every guest
//   table is linked with P|RW|US, so role.access is always ACC_ALL) — kvm_mmu_get_shadow_page's hash [Xen's
//   shadow_hash_lookup by (gfn, type)]. A guest CR3 write finds its root there (kvm_mmu_new_pgd
//   [sh_update_cr3]), so switching back to an address space reuses its shadow tables (Kivity et al., "kvm: the
//   Linux Virtual Machine Monitor", OLS 2007, §"Virtual MMU": caching shadow tables across context switches,
//   at the price of write-protecting the guest's tables).
// - `cache: false` is the design before that cache: every CR3 write drops all shadow pages (zapAll) and the
//   incoming address space is rebuilt by shadow faults. Nothing is kept across a switch, so guest tables are
//   not write-protected (their stores are native: a stale entry is dropped at the guest's INVLPG or CR3 write,
//   which x86 requires after a change) and nothing is unsynced; nor is anything prefetched (FNAME(pte_prefetch)
//   came with Linux 2.6.35, after the cache).
// - A guest frame with a shadow page is write-protected (account_shadowed [sh_mfn_is_a_page_table]). The
//   guest's first write to a leaf table unsyncs it (mmu_try_to_unsync_pages → kvm_unsync_page [sh_unsync,
//   "always unsync when writing to L1 page tables"]): one exit, then the table is writable and its shadow is
//   stale until the guest flushes. KVM lets any number of tables go unsync; Xen keeps at most SHADOW_OOS_PAGES
//   per vCPU in a small open hash (oos_hash_add: the occupant of the slot is punted to the next one, whose own
//   occupant is resynced — "crushed") and takes a snapshot of the table when it unsyncs. A CR3 write resyncs
//   (kvm_mmu_sync_roots → kvm_sync_page: every present entry re-read [sh_update_cr3 → sh_resync_all, every CR3
//   write: _sh_resync → sh_resync_l1, only the entries that differ from the snapshot]); INVLPG syncs the one
//   entry (kvm_mmu_invalidate_addr → sync_spte [sh_invlpg]).
// - A store to an upper-level table is emulated (kvm_mmu_track_write [sh_page_fault's emulate path]). KVM zaps
//   the shadow entry (mmu_page_zap_pte) and the third such store without the page being used by a shadow walk
//   zaps the whole page (detect_write_flooding; clear_sp_write_flooding_count on use). Xen propagates the new
//   entry (validate_guest_pt_write → sh_validate_guest_entry) and unshadows the table at the second
//   consecutive PTE-aligned zero store to it (check_for_early_unshadow) — or at the first, in an address space
//   the guest declared dying (HVMOP_pagetable_dying, which Linux issues from exit_mmap under shadow paging:
//   arch/x86/xen/mmu_hvm.c xen_hvm_exit_mmap; sh_pagetable_dying unhooks the root's user entries).
// - A shadow fault walks the guest tables (FNAME(walk_addr_generic) [guest_walk_tables], which sets the
//   guest's Accessed and Dirty bits), links shadow pages down to the leaf (FNAME(fetch)
//   [shadow_get_and_create_l1e]) and prefetches: KVM the PTE_PREFETCH_NUM-aligned neighbours that are present
//   and accessed (FNAME(pte_prefetch), prefetch_invalid_gpte), Xen up to PREFETCH_DISTANCE entries after the
//   fault, stopping at an entry already shadowed or one that would fault again for its A/D bits (sh_prefetch).
// - Dirty bits: a clean guest PTE is shadowed read-only (FNAME(protect_clean_gpte) [_sh_propagate]), so the
//   first write faults and the hypervisor sets the guest's Dirty bit before making the shadow entry writable.
// A shadow change that removes or narrows a present entry flushes every vCPU's TLB (kvm_flush_remote_tlbs).
// The shadow pages are the VM's, shared by its vCPUs; each vCPU has its own root (its guest CR3's) and, under
// a bounded policy, its own out-of-sync slots (Xen's v->arch.paging.shadow.oos).
import type { Counters } from '../machine/counters.ts';
import type { Machine } from '../machine/machine.ts';
import type { SparsePhysicalMemory } from '../machine/physical-memory.ts';
import type { ShadowPolicy } from '../types.ts';
import { FAULT_NONE, FAULT_NOT_PRESENT, FAULT_PROTECTION } from '../machine/types.ts';
import { entryFrame, entryHi, entryLo, PTE_A, PTE_D, PTE_NX_HI, PTE_P, PTE_PS, PTE_RW, PTE_US, tableIndex } from '../machine/pte.ts';
import type { VmExits } from './vm-exit.ts';

/** host frame of guest frame 0: guest RAM is one linear memslot, placed above the host frames the shadow tables
 *  take (a fixed offset keeps the two apart; nothing reads data frames, only shadow tables) */
export const MEMSLOT_BASE = 2 ** 30;
/** the flags KVM gives a non-leaf shadow entry (link_shadow_page → make_nonleaf_spte) */
const LINK_FLAGS = PTE_P | PTE_RW | PTE_US | PTE_A;
const ENTRIES = 512;

interface ParentLink {
  sp: ShadowPage;
  index: number;
}

/** struct kvm_mmu_page [Xen: the shadow's struct page_info], as far as the model needs it */
interface ShadowPage {
  gfn: number;
  level: number;
  /** the shadow table's host frame */
  frame: number;
  unsync: boolean;
  /** write_flooding_count */
  floods: number;
  /** the shadow entries that point at this page (parent_ptes) */
  parents: ParentLink[];
  /** out of sync under a snapshot policy: the host frame holding the guest table as last propagated, else -1 */
  snapshot: number;
  /** a root the guest declared dying (HVMOP_pagetable_dying: Xen's page->pagetable_dying) */
  dying: boolean;
}

export class ShadowMmu {
  private readonly pages = new Map<number, ShadowPage>();
  private readonly byFrame = new Map<number, ShadowPage>();
  private readonly unsyncPages = new Set<ShadowPage>();
  /** per vCPU: its shadow root and the guest root table it shadows */
  private readonly roots: (ShadowPage | null)[] = [];
  private readonly rootGfns: number[] = [];
  /** per vCPU, a bounded out-of-sync set (Xen's oos[] hash); none when the policy has no bound */
  private readonly oos: (ShadowPage | null)[][] = [];
  /** a present shadow entry was removed or narrowed since the last flush */
  private changed = false;
  /** Xen's early-unshadow state: the table of the last emulated zero store (last_emulated_mfn_for_unshadow),
   *  whether the guest uses HVMOP_pagetable_dying (pagetable_dying_op) and the current root is dying */
  private lastZeroStore = -1;
  private dyingOp = false;
  private dying = false;

  // the last guest walk: table and entry per level, the leaf
  private readonly walkTables = [0, 0, 0, 0, 0];
  private leafLevel = 1;
  private leafLo = 0;
  private leafHi = 0;

  constructor(
    private readonly host: SparsePhysicalMemory,
    private readonly guest: SparsePhysicalMemory,
    private readonly counters: Counters,
    private readonly policy: ShadowPolicy,
    private readonly exits: VmExits,
    private readonly machine: Machine,
  ) {}

  /** the current vCPU's shadow root */
  private get root(): ShadowPage | null {
    return this.roots[this.machine.currentIndex] ?? null;
  }

  private get rootGfn(): number {
    return this.rootGfns[this.machine.currentIndex];
  }

  /** host frame of the current shadow root */
  get rootFrame(): number {
    return this.root!.frame;
  }

  /** shadow pages cached (tests) */
  get size(): number {
    return this.pages.size;
  }

  /** MOV CR3 to guest root `gfn`: the cached shadow root or a new one, and the resync the policy asks for:
   *  KVM's on a flushing write, the unsync pages under the new root (kvm_mmu_new_pgd, then KVM_REQ_MMU_SYNC →
   *  kvm_mmu_sync_roots); Xen's at every write, all of this vCPU's (sh_update_cr3 → shadow_resync_current_vcpu) */
  loadRoot(gfn: number, sync: boolean): number {
    const cpu = this.machine.currentIndex;
    this.rootGfns[cpu] = gfn;
    if (!this.policy.cache) {
      // the old root is dropped before the new one is built, so zap() does not rebuild it
      this.roots[cpu] = null;
      this.zapAll();
      this.counters.event(this.policy.names.rebuilds);
    }
    const root = this.getPage(gfn, 4);
    this.roots[cpu] = root;
    this.dying = root.dying;
    if (this.policy.resyncEveryCr3) this.resyncAll();
    else if (sync) this.syncRoots();
    this.flushIfChanged();
    return root.frame;
  }

  /**
   * A #PF on the shadow tables (intercepted: one EXCEPTION_NMI exit). The hypervisor walks the guest's tables: a
   * fault there is the guest's own and is injected (returned); otherwise the shadow entries are built and the
   * access retried (FAULT_NONE).
   */
  fault(va: number, write: boolean, user: boolean): number {
    const { names, costs } = this.policy;
    this.exits.inKernel('EXCEPTION_NMI', 1, names.faultWork, costs.fault);
    const code = this.walkGuest(va, write, user);
    if (code !== FAULT_NONE) {
      this.counters.event(names.injected);
      return code;
    }
    this.counters.event(names.fault);
    // a fault fixed up ends Xen's run of emulated zero stores (sh_reset_early_unshadow)
    this.lastZeroStore = -1;
    this.fetch(va);
    this.flushIfChanged();
    return FAULT_NONE;
  }

  /** the guest stores (lo, hi) into entry `index` of its table `gfn` (set_pte, a cmpxchg): native unless
   *  write-protected */
  guestEntryWrite(gfn: number, index: number, lo: number, hi: number): void {
    if (!this.policy.cache) return;
    const sp = this.pages.get(gfn);
    if (sp === undefined || sp.unsync) return;
    if (sp.level === 1) {
      this.trap(true);
      this.unsync(sp);
      return;
    }
    this.trap(false);
    this.emulatedStore(sp, index, lo, hi);
    this.flushIfChanged();
  }

  /** the guest writes all of frame `gfn` (clear_page when `zero`, else copy_page): a table frame the guest freed
   *  may still be shadowed — a leaf table unsyncs at the first store, an upper one takes emulated stores until
   *  the policy's heuristic drops it (KVM's write flooding, Xen's early unshadow on zeros), at most one per
   *  entry */
  guestPageWrite(gfn: number, zero: boolean): void {
    if (!this.policy.cache) return;
    const sp = this.pages.get(gfn);
    if (sp === undefined || sp.unsync) return;
    if (sp.level === 1) {
      this.trap(true);
      this.unsync(sp);
      return;
    }
    for (let i = 0; i < ENTRIES && this.pages.get(gfn) === sp; i++) {
      this.trap(false);
      this.emulatedStore(sp, i, zero ? 0 : -1, 0);
    }
    this.flushIfChanged();
  }

  /** HVMOP_pagetable_dying for the root table `gfn` (Xen's sh_pagetable_dying): the root's shadow loses its user
   *  entries (shadow_unhook_mappings, the first `userSlots`) and is flagged dying, so the teardown's zero stores
   *  unshadow tables at once; from now on the two-store heuristic is off (pagetable_dying_op) */
  pagetableDying(gfn: number, userSlots: number): void {
    this.dyingOp = true;
    const sp = this.pages.get(gfn);
    if (sp !== undefined && sp.level === 4) {
      sp.dying = true;
      let present = 0;
      for (let i = 0; i < userSlots; i++) {
        if ((this.host.readLo(sp.frame, i) & PTE_P) === 0) continue;
        present++;
        this.zapEntry(sp, i);
      }
      this.counters.charge('hypervisor', this.policy.names.zapWork, present * this.policy.costs.zapEntry);
      // Xen flushes the TLB whether or not an entry was present ("we removed toplevel mappings")
      this.changed = true;
      this.flushIfChanged();
    }
    // the vCPU's flag is set whichever root it runs on (exec tears the old mm down from the new one) and is
    // reloaded from the root at the next CR3 write (sh_update_cr3)
    this.dying = true;
  }

  /** INVLPG (kvm_mmu_invalidate_addr [sh_invlpg]): the entry for `va` in an unsync leaf table — without the
   *  cache, in any leaf table, none being write-protected — is synced; the guest's own INVLPG drops the TLB entry */
  invlpg(va: number): void {
    let frame = this.root!.frame;
    for (let level = 4; level > 1; level--) {
      const lo = this.host.readLo(frame, tableIndex(va, level));
      if ((lo & PTE_P) === 0 || (lo & PTE_PS) !== 0) return;
      frame = entryFrame(lo, this.host.readHi(frame, tableIndex(va, level)));
    }
    const sp = this.byFrame.get(frame);
    if (sp !== undefined && (sp.unsync || !this.policy.cache)) this.syncEntry(sp, tableIndex(va, 1));
    this.changed = false;
  }

  /** kvm_mmu_sync_roots: sync every unsync page under the current root */
  syncRoots(): void {
    for (const sp of this.unsyncPages) if (this.reachable(sp, 4)) this.syncPage(sp);
  }

  /** a CR3 reload (the guest's full flush): the resync of a CR3 write; without the cache the address space is
   *  rebuilt like at any CR3 write. Returns the root's host frame */
  reload(): number {
    if (!this.policy.cache) this.loadRoot(this.rootGfn, true);
    else if (this.policy.resyncEveryCr3) this.resyncAll();
    else this.syncRoots();
    return this.root!.frame;
  }

  /** drop every shadow page (kvm_mmu_zap_all) */
  zapAll(): void {
    for (const sp of [...this.pages.values()]) this.zap(sp);
    this.flushIfChanged();
  }

  /** sh_resync_all: every out-of-sync page of this vCPU back in sync (a bounded policy keeps them per vCPU;
   *  Xen's update of the other vCPUs' out-of-sync shadows, shadow_sync_other_vcpus, is not modelled) */
  private resyncAll(): void {
    const slots = this.oosSlots();
    if (slots === null) {
      for (const sp of this.unsyncPages) this.syncPage(sp);
      return;
    }
    for (const sp of slots) if (sp !== null) this.syncPage(sp);
  }

  /** this vCPU's out-of-sync slots, made at first use; null without a bound */
  private oosSlots(): (ShadowPage | null)[] | null {
    const n = this.policy.oosSlots;
    if (!Number.isFinite(n)) return null;
    const cpu = this.machine.currentIndex;
    return (this.oos[cpu] ??= new Array<ShadowPage | null>(n).fill(null));
  }

  /** a trapped store to a shadowed table: one exit, fixed up by unsyncing the table or emulated */
  private trap(unsyncing: boolean): void {
    const { names, costs } = this.policy;
    if (unsyncing) {
      this.exits.inKernel('EXCEPTION_NMI', 1, names.unsyncStoreWork, costs.fault);
      this.counters.event(names.unsyncStore);
    } else {
      this.exits.inKernel('EXCEPTION_NMI', 1, names.writeProtectWork, costs.emulate);
      this.counters.event(names.writeProtect);
    }
  }

  /** an emulated store of (lo, hi) to entry `index` of the upper-level table `sp` (lo −1: a non-zero store of
   *  data, which no shadowed child can match) */
  private emulatedStore(sp: ShadowPage, index: number, lo: number, hi: number): void {
    const p = this.policy;
    if (p.emulatedWrite === 'zap') {
      if (++sp.floods >= p.unshadowAfter) this.zap(sp);
      else this.zapEntry(sp, index);
      return;
    }
    // a store to a dying top-level table is a no-op that unshadows it (sh_page_fault's emulate path) — unless
    // it is the root this vCPU runs on, whose shadow is in use
    if (sp.level === 4 && sp.dying) {
      if (sp !== this.root) this.zap(sp);
      return;
    }
    const zero = lo === 0 && hi === 0;
    // check_for_early_unshadow: with HVMOP_pagetable_dying in use, only in a dying address space and never a
    // top-level table; without it, at the second zero store in a row to the same table
    const early = (this.dying || (!this.dyingOp && this.lastZeroStore === sp.gfn)) && !(this.dyingOp && sp.level === 4);
    this.lastZeroStore = zero ? sp.gfn : -1;
    if (zero && early) {
      this.zap(sp);
      return;
    }
    this.propagate(sp, index, lo, hi);
  }

  /** sh_validate_guest_entry on an upper-level entry: linked to the child's shadow if the child table has one
   *  at the level below, else left empty for a shadow fault to fill */
  private propagate(sp: ShadowPage, index: number, lo: number, hi: number): void {
    const child = lo !== -1 && (lo & PTE_P) !== 0 && (lo & PTE_PS) === 0 ? this.pages.get(entryFrame(lo, hi)) : undefined;
    const old = this.host.readLo(sp.frame, index);
    // the same link again leaves the shadow entry as it is (shadow_set_l2e: nothing changed, no flush)
    if (child !== undefined && (old & PTE_P) !== 0 && entryFrame(old, this.host.readHi(sp.frame, index)) === child.frame) return;
    this.zapEntry(sp, index);
    if (child === undefined || child.level !== sp.level - 1) return;
    this.host.write(sp.frame, index, entryLo(child.frame, LINK_FLAGS), entryHi(child.frame, 0));
    child.parents.push({ sp, index });
  }

  private unsync(sp: ShadowPage): void {
    const p = this.policy;
    const slots = this.oosSlots();
    if (slots !== null) this.oosAdd(slots, sp);
    sp.unsync = true;
    this.unsyncPages.add(sp);
    this.counters.event(p.names.unsync);
    if (!p.snapshot) return;
    // copy_domain_page(oos_snapshot[idx], gmfn)
    sp.snapshot = this.host.allocFrame();
    for (let i = 0; i < ENTRIES; i++) this.host.write(sp.snapshot, i, this.guest.readLo(sp.gfn, i), this.guest.readHi(sp.gfn, i));
    this.counters.charge('hypervisor', p.names.snapshotWork, p.costs.snapshot);
  }

  /** oos_hash_add: slot gfn mod n, the page living there at home punted to the next slot, whose occupant is
   *  resynced to make room */
  private oosAdd(oos: (ShadowPage | null)[], sp: ShadowPage): void {
    const n = oos.length;
    let idx = sp.gfn % n;
    let moving = sp;
    const home = oos[idx];
    if (home !== null && home.gfn % n === idx) {
      oos[idx] = sp;
      moving = home;
      idx = (idx + 1) % n;
    }
    const occupant = oos[idx];
    if (occupant !== null) {
      this.counters.event(this.policy.names.evict);
      // no flush for it (sh_resync_l1 asserts none is needed): the guest flushes after changing its own PTEs
      const changed = this.changed;
      this.syncPage(occupant);
      this.changed = changed;
    }
    oos[idx] = moving;
  }

  /** FNAME(walk_addr_generic): the guest's tables per level, the leaf; sets A and D */
  private walkGuest(va: number, write: boolean, user: boolean): number {
    const g = this.guest;
    let table = this.rootGfn;
    let perm = PTE_P | PTE_RW | PTE_US;
    for (let level = 4; level >= 1; level--) {
      const index = tableIndex(va, level);
      this.walkTables[level] = table;
      const lo = g.readLo(table, index);
      if ((lo & PTE_P) === 0) return FAULT_NOT_PRESENT;
      perm &= lo;
      const hi = g.readHi(table, index);
      if (level === 1 || (level <= 3 && (lo & PTE_PS) !== 0)) {
        if ((write && (perm & PTE_RW) === 0) || (user && (perm & PTE_US) === 0)) return FAULT_PROTECTION;
        const set = PTE_A | (write ? PTE_D : 0);
        if ((lo & set) !== set) g.setLoBits(table, index, set);
        this.leafLevel = level;
        this.leafLo = (lo | set) >>> 0;
        this.leafHi = hi;
        return FAULT_NONE;
      }
      if ((lo & PTE_A) === 0) g.setLoBits(table, index, PTE_A);
      table = entryFrame(lo, hi);
    }
    return FAULT_NOT_PRESENT;
  }

  /** FNAME(fetch): link shadow pages from the root down to the leaf's table, set the leaf, prefetch */
  private fetch(va: number): void {
    let sp = this.root!;
    for (let level = 4; level > this.leafLevel; level--) {
      sp.floods = 0;
      const index = tableIndex(va, level);
      const childGfn = this.walkTables[level - 1];
      const lo = this.host.readLo(sp.frame, index);
      if ((lo & PTE_P) !== 0) {
        const linked = this.byFrame.get(entryFrame(lo, this.host.readHi(sp.frame, index)));
        if (linked !== undefined && linked.gfn === childGfn && linked.level === level - 1) {
          sp = linked;
          continue;
        }
        this.zapEntry(sp, index);
      }
      const child = this.getPage(childGfn, level - 1);
      this.host.write(sp.frame, index, entryLo(child.frame, LINK_FLAGS), entryHi(child.frame, 0));
      child.parents.push({ sp, index });
      sp = child;
    }
    sp.floods = 0;
    const index = tableIndex(va, this.leafLevel);
    this.setLeaf(sp, index, this.leafLo, this.leafHi);
    if (this.leafLevel === 1 && this.policy.cache) this.prefetch(sp, index);
  }

  /** leaf prefetch: KVM's FNAME(pte_prefetch), the aligned group around `index`, present and accessed entries
   *  only; Xen's sh_prefetch, the entries after `index` up to the table's end, stopping at one already shadowed
   *  or one that would fault again for its A/D bits (present but not accessed, or writable and clean) */
  private prefetch(sp: ShadowPage, index: number): void {
    const { entries, aligned } = this.policy.prefetch;
    const first = aligned ? index - (index % entries) : index + 1;
    const end = Math.min(aligned ? first + entries : index + entries, ENTRIES);
    let n = 0;
    for (let i = first; i < end; i++) {
      if (i === index) continue;
      const shadowed = (this.host.readLo(sp.frame, i) & PTE_P) !== 0;
      const lo = this.guest.readLo(sp.gfn, i);
      if (aligned) {
        if (shadowed || (lo & (PTE_P | PTE_A)) !== (PTE_P | PTE_A)) continue;
      } else {
        if (shadowed || ((lo & PTE_P) !== 0 && ((lo & PTE_A) === 0 || (lo & (PTE_RW | PTE_D)) === PTE_RW))) break;
        if ((lo & PTE_P) === 0) continue;
      }
      this.setLeaf(sp, i, lo, this.guest.readHi(sp.gfn, i));
      n++;
    }
    if (n > 0) this.counters.event(this.policy.names.prefetches, n);
  }

  /** the shadow entry for guest PTE (lo, hi): the memslot's host frame, writable only when the guest's entry
   *  is writable and already dirty (FNAME(protect_clean_gpte)); an out-of-sync table's snapshot follows */
  private setLeaf(sp: ShadowPage, index: number, lo: number, hi: number): void {
    const writable = (lo & (PTE_RW | PTE_D)) === (PTE_RW | PTE_D);
    const flags = PTE_P | PTE_A | (lo & PTE_US) | (writable ? PTE_RW : 0) | (sp.level > 1 ? PTE_PS : 0);
    const frame = entryFrame(lo, hi) + MEMSLOT_BASE;
    const newLo = entryLo(frame, flags);
    const newHi = entryHi(frame, hi & PTE_NX_HI);
    const oldLo = this.host.readLo(sp.frame, index);
    if ((oldLo & PTE_P) !== 0 && (entryFrame(oldLo, this.host.readHi(sp.frame, index)) !== frame || ((oldLo & PTE_RW) !== 0 && !writable))) {
      this.changed = true;
    }
    this.host.write(sp.frame, index, newLo, newHi);
    if (sp.snapshot >= 0) this.host.write(sp.snapshot, index, lo, hi);
  }

  /** the shadow page for guest table `gfn` at `level`: cached — KVM syncs an unsync one but leaves it unsync
   *  (kvm_mmu_find_shadow_page), Xen returns it as it is (get_shadow_status) — or allocated (a frame reused at
   *  another level drops its old page first) */
  private getPage(gfn: number, level: number): ShadowPage {
    const cached = this.pages.get(gfn);
    if (cached !== undefined) {
      if (cached.level === level) {
        if (cached.unsync && this.policy.syncOnLookup) this.syncPage(cached, false);
        return cached;
      }
      this.zap(cached);
    }
    const sp: ShadowPage = { gfn, level, frame: this.host.allocFrame(), unsync: false, floods: 0, parents: [], snapshot: -1, dying: false };
    this.pages.set(gfn, sp);
    this.byFrame.set(sp.frame, sp);
    this.counters.charge('hypervisor', this.policy.names.allocWork, this.policy.costs.alloc);
    this.counters.event(this.policy.names.pages);
    return sp;
  }

  /** mmu_page_zap_pte: clear one shadow entry, unlinking the child page it named */
  private zapEntry(sp: ShadowPage, index: number): void {
    const lo = this.host.readLo(sp.frame, index);
    if ((lo & PTE_P) === 0) return;
    if (sp.level > 1 && (lo & PTE_PS) === 0) {
      const child = this.byFrame.get(entryFrame(lo, this.host.readHi(sp.frame, index)));
      if (child !== undefined) child.parents = child.parents.filter((p) => p.sp !== sp || p.index !== index);
    }
    this.host.write(sp.frame, index, 0, 0);
    this.changed = true;
  }

  /** kvm_mmu_prepare_zap_page + commit [sh_remove_shadows]: unlink from parents and children, drop from the
   *  cache and free it; a zapped root is rebuilt at once (KVM_REQ_MMU_RELOAD) */
  private zap(sp: ShadowPage): void {
    for (const p of sp.parents) {
      const lo = this.host.readLo(p.sp.frame, p.index);
      if ((lo & PTE_P) !== 0 && entryFrame(lo, this.host.readHi(p.sp.frame, p.index)) === sp.frame) this.host.write(p.sp.frame, p.index, 0, 0);
    }
    sp.parents = [];
    let present = 0;
    for (let i = 0; i < ENTRIES; i++) {
      if ((this.host.readLo(sp.frame, i) & PTE_P) === 0) continue;
      present++;
      this.zapEntry(sp, i);
    }
    if (this.pages.get(sp.gfn) === sp) this.pages.delete(sp.gfn);
    this.byFrame.delete(sp.frame);
    this.leaveOos(sp);
    this.host.freeFrame(sp.frame);
    this.changed = true;
    this.counters.event(this.policy.names.zap);
    this.counters.charge('hypervisor', this.policy.names.zapWork, present * this.policy.costs.zapEntry);
    for (let cpu = 0; cpu < this.roots.length; cpu++) {
      if (this.roots[cpu] !== sp) continue;
      const root = this.getPage(this.rootGfns[cpu], 4);
      this.roots[cpu] = root;
      this.machine.mmus[cpu].root = root.frame;
    }
  }

  /** the page is no longer out of sync: off the unsync set, its slot and its snapshot */
  private leaveOos(sp: ShadowPage): void {
    this.unsyncPages.delete(sp);
    for (const slots of this.oos) {
      const slot = slots === undefined ? -1 : slots.indexOf(sp);
      if (slot >= 0) slots[slot] = null;
    }
    if (sp.snapshot >= 0) {
      this.host.freeFrame(sp.snapshot);
      sp.snapshot = -1;
    }
  }

  /** kvm_sync_page [_sh_resync]: the present entries of an unsync leaf table brought back in sync — KVM re-reads
   *  every one, Xen compares each with the snapshot and re-propagates those that changed; `resync`: the page is
   *  then write-protected again (mmu_sync_children) */
  private syncPage(sp: ShadowPage, resync = true): void {
    const { names, costs } = this.policy;
    let present = 0;
    let synced = 0;
    const snap = sp.snapshot;
    for (let i = 0; i < ENTRIES; i++) {
      if ((this.host.readLo(sp.frame, i) & PTE_P) === 0) continue;
      present++;
      if (snap >= 0 && this.guest.readLo(sp.gfn, i) === this.host.readLo(snap, i) && this.guest.readHi(sp.gfn, i) === this.host.readHi(snap, i)) continue;
      synced++;
      this.syncEntry(sp, i);
    }
    if (resync) {
      sp.unsync = false;
      this.leaveOos(sp);
    }
    this.counters.event(names.sync);
    this.counters.charge('hypervisor', names.syncWork, synced * costs.syncEntry + (snap >= 0 ? present * costs.compareEntry : 0));
  }

  /** FNAME(sync_spte) [l1e_propagate_from_guest]: a guest PTE no longer present or accessed drops its shadow
   *  entry, else it is rebuilt */
  private syncEntry(sp: ShadowPage, index: number): void {
    const lo = this.guest.readLo(sp.gfn, index);
    const hi = this.guest.readHi(sp.gfn, index);
    if ((lo & (PTE_P | PTE_A)) !== (PTE_P | PTE_A)) {
      this.zapEntry(sp, index);
      if (sp.snapshot >= 0) this.host.write(sp.snapshot, index, lo, hi);
    } else this.setLeaf(sp, index, lo, hi);
  }

  /** whether `sp` hangs under the current root (the parent chain is at most 4 deep) */
  private reachable(sp: ShadowPage, depth: number): boolean {
    if (sp === this.root) return true;
    if (depth === 0) return false;
    for (const p of sp.parents) if (this.reachable(p.sp, depth - 1)) return true;
    return false;
  }

  /** a present shadow entry changed: kvm_flush_remote_tlbs, every vCPU's whole VPID */
  private flushIfChanged(): void {
    if (!this.changed) return;
    this.changed = false;
    for (const mmu of this.machine.mmus) mmu.tlb.flushTag(-1, mmu.vpid, 'shadow');
  }
}
