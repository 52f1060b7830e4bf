// KVM's shadow MMU (Linux arch/x86/kvm/mmu/mmu.c and paging_tmpl.h), for mmu=shadow: separate shadow page
// tables in host memory that the hardware walks, built lazily on shadow page faults from the guest's own tables
// in guest-physical memory.
//
// - Shadow pages are cached by the guest table frame they shadow and their role (here the level: every guest
//   table is linked with P|RW|US, so role.access is always ACC_ALL) — kvm_mmu_get_shadow_page's hash. A
//   guest CR3 write finds its root there (kvm_mmu_new_pgd), so switching back to an address space reuses its
//   shadow tables (Kivity et al., "kvm: the Linux Virtual Machine Monitor", OLS 2007, §"Virtual MMU": caching
//   shadow tables across context switches, at the price of write-protecting the guest's tables).
// - `cache: false` is the design before that cache: every CR3 write drops all shadow pages (zapAll) and the
//   incoming address space is rebuilt by shadow faults. Nothing is kept across a switch, so guest tables are
//   not write-protected (their stores are native: a stale entry is dropped at the guest's INVLPG or CR3 write,
//   which x86 requires after a change) and nothing is unsynced; nor is anything prefetched (FNAME(pte_prefetch)
//   came with Linux 2.6.35, after the cache).
// - A guest frame with a shadow page is write-protected (account_shadowed). The guest's first write to a leaf
//   table unsyncs it (mmu_try_to_unsync_pages → kvm_unsync_page): one write-protect exit, then the table is
//   writable and its shadow is stale until the guest flushes — a CR3 write syncs every unsync page under the
//   root (kvm_mmu_sync_roots → kvm_sync_page), INVLPG the one entry (kvm_mmu_invalidate_addr → sync_spte).
//   Writes to upper-level tables are emulated (kvm_mmu_track_write): the shadow entry is zapped
//   (mmu_page_zap_pte), and the third emulated write without the page being used by a shadow walk zaps the
//   whole page (detect_write_flooding; clear_sp_write_flooding_count on use).
// - A shadow fault walks the guest tables (FNAME(walk_addr_generic), which sets the guest's Accessed and
//   Dirty bits), links shadow pages down to the leaf (FNAME(fetch)) and prefetches the PTE_PREFETCH_NUM-aligned
//   neighbours that are present and accessed (FNAME(pte_prefetch), prefetch_invalid_gpte).
// - Dirty bits: a clean guest PTE is shadowed read-only (FNAME(protect_clean_gpte)), so the first write faults
//   and KVM sets the guest's Dirty bit before making the shadow entry writable.
// A shadow change that removes or narrows a present entry flushes every vCPU's TLB (kvm_flush_remote_tlbs).
// The shadow pages are the VM's, shared by its vCPUs; each vCPU has its own root (its guest CR3's).
import type { Counters } from '../machine/counters.ts';
import type { CostProfile } from '../machine/profile.ts';
import type { Machine } from '../machine/machine.ts';
import type { SparsePhysicalMemory } from '../machine/physical-memory.ts';
import { FAULT_NONE, FAULT_NOT_PRESENT, FAULT_PROTECTION } from '../machine/types.ts';
import { entryFrame, entryHi, entryLo, PTE_A, PTE_D, PTE_NX_HI, PTE_P, PTE_PS, PTE_RW, PTE_US, tableIndex } from '../machine/pte.ts';
import type { VmExits } from './vm-exit.ts';

/** arch/x86/kvm/mmu/mmu.c: neighbouring entries a leaf shadow fault prefetches, an aligned group */
export const PTE_PREFETCH_NUM = 8;
/** detect_write_flooding: emulated writes to one page without an intervening use that zap it */
const WRITE_FLOODING_ZAP = 3;
/** host frame of guest frame 0: guest RAM is one linear memslot, placed above the host frames the shadow tables
 *  take (a fixed offset keeps the two apart; nothing reads data frames, only shadow tables) */
export const MEMSLOT_BASE = 2 ** 30;
/** the flags KVM gives a non-leaf shadow entry (link_shadow_page → make_nonleaf_spte) */
const LINK_FLAGS = PTE_P | PTE_RW | PTE_US | PTE_A;

interface ParentLink {
  sp: ShadowPage;
  index: number;
}

/** struct kvm_mmu_page, as far as the model needs it */
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
}

export class ShadowMmu {
  private readonly pages = new Map<number, ShadowPage>();
  private readonly byFrame = new Map<number, ShadowPage>();
  private readonly unsyncPages = new Set<ShadowPage>();
  /** per vCPU: its shadow root and the guest root table it shadows */
  private readonly roots: (ShadowPage | null)[] = [];
  private readonly rootGfns: number[] = [];
  /** a present shadow entry was removed or narrowed since the last flush */
  private changed = false;

  // the last guest walk: table and entry per level, the leaf
  private readonly walkTables = [0, 0, 0, 0, 0];
  private leafLevel = 1;
  private leafLo = 0;
  private leafHi = 0;

  constructor(
    private readonly host: SparsePhysicalMemory,
    private readonly guest: SparsePhysicalMemory,
    private readonly counters: Counters,
    private readonly profile: CostProfile,
    private readonly exits: VmExits,
    private readonly machine: Machine,
    /** keep shadow pages across CR3 writes (KVM since 2007); false: drop them all at every CR3 write */
    private readonly cache = true,
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

  /** MOV CR3 to guest root `gfn`: the cached shadow root or a new one; `sync` (a flushing CR3 write) syncs the
   *  unsync pages under it (kvm_mmu_new_pgd, then KVM_REQ_MMU_SYNC → kvm_mmu_sync_roots) */
  loadRoot(gfn: number, sync: boolean): number {
    const cpu = this.machine.currentIndex;
    this.rootGfns[cpu] = gfn;
    if (!this.cache) {
      // the old root is dropped before the new one is built, so zap() does not rebuild it
      this.roots[cpu] = null;
      this.zapAll();
      this.counters.event('shadowRebuilds');
    }
    const root = this.getPage(gfn, 4);
    this.roots[cpu] = root;
    if (sync) this.syncRoots();
    this.flushIfChanged();
    return root.frame;
  }

  /**
   * A #PF on the shadow tables (intercepted: one EXCEPTION_NMI exit). KVM walks the guest's tables: a fault
   * there is the guest's own and is injected (returned); otherwise the shadow entries are built and the access
   * retried (FAULT_NONE).
   */
  fault(va: number, write: boolean, user: boolean): number {
    const hvm = this.profile.hvm;
    this.exits.inKernel('EXCEPTION_NMI', 1, 'shadow-fault', hvm.shadowPteSync);
    const code = this.walkGuest(va, write, user);
    if (code !== FAULT_NONE) {
      this.counters.event('shadowInjectedFaults');
      return code;
    }
    this.counters.event('shadowFaults');
    this.fetch(va);
    this.flushIfChanged();
    return FAULT_NONE;
  }

  /** the guest stores entry `index` of its table `gfn` (set_pte, a cmpxchg): native unless write-protected */
  guestEntryWrite(gfn: number, index: number): void {
    if (!this.cache) return;
    const sp = this.pages.get(gfn);
    if (sp === undefined || sp.unsync) return;
    this.writeProtectExit();
    if (sp.level === 1) {
      this.unsync(sp);
      return;
    }
    if (++sp.floods >= WRITE_FLOODING_ZAP) this.zap(sp);
    else this.zapEntry(sp, index);
    this.flushIfChanged();
  }

  /** the guest writes all of frame `gfn` (clear_page, copy_page, a new table zeroed): a table frame the guest
   *  freed may still be shadowed — a leaf table unsyncs at the first store, an upper one floods and is zapped */
  guestPageWrite(gfn: number): void {
    if (!this.cache) return;
    const sp = this.pages.get(gfn);
    if (sp === undefined || sp.unsync) return;
    if (sp.level === 1) {
      this.writeProtectExit();
      this.unsync(sp);
      return;
    }
    while (this.pages.get(gfn) === sp) {
      this.writeProtectExit();
      if (++sp.floods >= WRITE_FLOODING_ZAP) this.zap(sp);
    }
    this.flushIfChanged();
  }

  /** INVLPG (kvm_mmu_invalidate_addr): the entry for `va` in an unsync leaf table — without the cache, in any
   *  leaf table, none being write-protected — is synced; the guest's own INVLPG drops the TLB entry */
  invlpg(va: number): void {
    let frame = this.root!.frame;
    for (let level = 4; level > 1; level--) {
      const lo = this.host.readLo(frame, tableIndex(va, level));
      if ((lo & PTE_P) === 0 || (lo & PTE_PS) !== 0) return;
      frame = entryFrame(lo, this.host.readHi(frame, tableIndex(va, level)));
    }
    const sp = this.byFrame.get(frame);
    if (sp !== undefined && (sp.unsync || !this.cache)) this.syncEntry(sp, tableIndex(va, 1));
    this.changed = false;
  }

  /** kvm_mmu_sync_roots: sync every unsync page under the current root (without the cache, a CR3 reload
   *  rebuilds instead: loadRoot) */
  syncRoots(): void {
    for (const sp of this.unsyncPages) if (this.reachable(sp, 4)) this.syncPage(sp);
  }

  /** a CR3 reload (the guest's full flush): the unsync pages are synced; without the cache the address space is
   *  rebuilt like at any CR3 write. Returns the root's host frame */
  reload(): number {
    if (this.cache) this.syncRoots();
    else this.loadRoot(this.rootGfn, true);
    return this.root!.frame;
  }

  /** drop every shadow page (kvm_mmu_zap_all) */
  zapAll(): void {
    for (const sp of [...this.pages.values()]) this.zap(sp);
    this.flushIfChanged();
  }

  private writeProtectExit(): void {
    this.exits.inKernel('EXCEPTION_NMI', 1, 'shadow-write-protect', this.profile.hvm.shadowPteSync);
    this.counters.event('shadowWriteProtectExits');
  }

  private unsync(sp: ShadowPage): void {
    sp.unsync = true;
    this.unsyncPages.add(sp);
    this.counters.event('shadowUnsyncs');
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
    if (this.leafLevel === 1 && this.cache) this.prefetch(sp, index);
  }

  /** FNAME(pte_prefetch): the aligned group of PTE_PREFETCH_NUM around `index`, present and accessed only */
  private prefetch(sp: ShadowPage, index: number): void {
    const first = index - (index % PTE_PREFETCH_NUM);
    let n = 0;
    for (let i = first; i < first + PTE_PREFETCH_NUM; i++) {
      if (i === index || (this.host.readLo(sp.frame, i) & PTE_P) !== 0) continue;
      const lo = this.guest.readLo(sp.gfn, i);
      if ((lo & (PTE_P | PTE_A)) !== (PTE_P | PTE_A)) continue;
      this.setLeaf(sp, i, lo, this.guest.readHi(sp.gfn, i));
      n++;
    }
    if (n > 0) this.counters.event('shadowPrefetches', n);
  }

  /** the shadow entry for guest PTE (lo, hi): the memslot's host frame, writable only when the guest's entry
   *  is writable and already dirty (FNAME(protect_clean_gpte)) */
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
  }

  /** the shadow page for guest table `gfn` at `level`: cached — an unsync one has its entries synced but stays
   *  unsync, as kvm_mmu_find_shadow_page does — or allocated (a frame reused at another level drops its old
   *  page first) */
  private getPage(gfn: number, level: number): ShadowPage {
    const cached = this.pages.get(gfn);
    if (cached !== undefined) {
      if (cached.level === level) {
        if (cached.unsync) this.syncPage(cached, false);
        return cached;
      }
      this.zap(cached);
    }
    const sp: ShadowPage = { gfn, level, frame: this.host.allocFrame(), unsync: false, floods: 0, parents: [] };
    this.pages.set(gfn, sp);
    this.byFrame.set(sp.frame, sp);
    // estimate: allocating and zeroing the shadow table costs a 4 KiB page clear (native.pageCopy)
    this.counters.charge('hypervisor', 'shadow-alloc', this.profile.native.pageCopy);
    this.counters.event('shadowPages');
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

  /** kvm_mmu_prepare_zap_page + commit: unlink from parents and children, drop from the cache and free it; a
   *  zapped root is rebuilt at once (KVM_REQ_MMU_RELOAD) */
  private zap(sp: ShadowPage): void {
    for (const p of sp.parents) {
      const lo = this.host.readLo(p.sp.frame, p.index);
      if ((lo & PTE_P) !== 0 && entryFrame(lo, this.host.readHi(p.sp.frame, p.index)) === sp.frame) this.host.write(p.sp.frame, p.index, 0, 0);
    }
    sp.parents = [];
    let present = 0;
    for (let i = 0; i < 512; i++) {
      if ((this.host.readLo(sp.frame, i) & PTE_P) === 0) continue;
      present++;
      this.zapEntry(sp, i);
    }
    if (this.pages.get(sp.gfn) === sp) this.pages.delete(sp.gfn);
    this.byFrame.delete(sp.frame);
    this.unsyncPages.delete(sp);
    this.host.freeFrame(sp.frame);
    this.changed = true;
    this.counters.event('shadowZaps');
    // estimate: clearing each present entry costs one PTE write
    this.counters.charge('hypervisor', 'shadow-zap', present * this.profile.native.pteWrite);
    for (let cpu = 0; cpu < this.roots.length; cpu++) {
      if (this.roots[cpu] !== sp) continue;
      const root = this.getPage(this.rootGfns[cpu], 4);
      this.roots[cpu] = root;
      this.machine.mmus[cpu].root = root.frame;
    }
  }

  /** kvm_sync_page: every present entry of an unsync leaf table re-read from the guest; `resync`: the page is
   *  then write-protected again (mmu_sync_children) */
  private syncPage(sp: ShadowPage, resync = true): void {
    let present = 0;
    for (let i = 0; i < 512; i++) {
      if ((this.host.readLo(sp.frame, i) & PTE_P) === 0) continue;
      present++;
      this.syncEntry(sp, i);
    }
    if (resync) {
      sp.unsync = false;
      this.unsyncPages.delete(sp);
    }
    this.counters.event('shadowSyncs');
    this.counters.charge('hypervisor', 'shadow-sync', present * this.profile.hvm.shadowSyncEntry);
  }

  /** FNAME(sync_spte): a guest PTE no longer present or accessed drops its shadow entry, else it is rebuilt */
  private syncEntry(sp: ShadowPage, index: number): void {
    const lo = this.guest.readLo(sp.gfn, index);
    if ((lo & (PTE_P | PTE_A)) !== (PTE_P | PTE_A)) this.zapEntry(sp, index);
    else this.setLeaf(sp, index, lo, this.guest.readHi(sp.gfn, index));
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
