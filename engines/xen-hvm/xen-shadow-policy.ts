// Xen's rules for the shared shadow MMU (engines/hardware-assisted/shadow-mmu.ts), as Xen runs an HVM guest on a
// CPU without EPT/NPT (xen/arch/x86/mm/shadow/: multi.c sh_page_fault, sh_prefetch, sh_update_cr3; oos.c
// sh_unsync, oos_hash_add, sh_resync_all; hvm.c check_for_early_unshadow). Counters carry xenalyze's names
// (tools/xentrace/xenalyze.c pf_xen_name and pf_xen_fixup_name: a fault "fixup" or "propagate", "emulate",
// "unsync", "oos-evict", "promote", "early unshadow", resyncs). No per-event cycle count is published for Xen's
// shadow code, so each cost is an estimate named by the Xen function it runs, against KVM's figure for the same
// work where one exists (the profile's hvm.shadow* fields).
import type { ShadowPolicy } from '../types.ts';
import type { CostProfile } from '../machine/profile.ts';
import { XEN_EXIT_HANDLER } from './xen-exit-handlers.ts';

/** xen/arch/x86/include/asm/mm.h: out-of-sync shadows allowed per vCPU ("prime, please") */
export const SHADOW_OOS_PAGES = 3;
/** multi.c: the most entries sh_prefetch fills after a fault ("XXX magic number") */
export const PREFETCH_DISTANCE = 32;
/** hvm.c check_for_early_unshadow: the second emulated zero store in a row to one table unshadows it
 *  (last_emulated_mfn_for_unshadow) */
const EARLY_UNSHADOW_STORES = 2;

export function xenShadowPolicy(profile: CostProfile): ShadowPolicy {
  const { hvm, native } = profile;
  return {
    names: {
      fault: 'shadow:fixup',
      injected: 'shadow:propagate',
      writeProtect: 'shadow:emulate',
      // a store that unsyncs its table is a fixup with the unsync flag in xenalyze
      unsyncStore: 'shadow:fixup',
      unsync: 'shadow:unsync',
      evict: 'shadow:oos-evict',
      sync: 'shadow:resync',
      zap: 'shadow:unshadow',
      pages: 'shadow:promote',
      prefetches: 'shadow:prefetch',
      // Xen always caches its shadows
      rebuilds: 'shadow:rebuild',
      faultWork: 'shadow-fixup',
      writeProtectWork: 'shadow-emulate',
      unsyncStoreWork: 'shadow-fixup',
      syncWork: 'shadow-resync',
      zapWork: 'shadow-unshadow',
      allocWork: 'shadow-promote',
      snapshotWork: 'shadow-oos-snapshot',
    },
    cache: true,
    oosSlots: SHADOW_OOS_PAGES,
    snapshot: true,
    resyncEveryCr3: true,
    syncOnLookup: false,
    prefetch: { entries: PREFETCH_DISTANCE, aligned: false },
    emulatedWrite: 'propagate',
    unshadowAfter: EARLY_UNSHADOW_STORES,
    costs: {
      // estimate: sh_page_fault's fix-up — guest_walk_tables, shadow_get_and_create_l1e, l1e_propagate_from_guest
      // and shadow_set_l1e, KVM's FNAME(page_fault) work (hvm.shadowPteSync) — plus the paging lock and a p2m
      // lookup (get_gfn_query) per guest level, ~100 cycles each
      fault: hvm.shadowPteSync + 4 * 100,
      // estimate: the emulate path's x86_emulate decode of the store (what an MMIO access's hvm_emulate_one costs
      // Xen: XEN_EXIT_HANDLER.EPT_VIOLATION) plus sh_validate_guest_entry's propagation of one entry
      // (hvm.shadowSyncEntry, the same work as KVM's sync_spte)
      emulate: XEN_EXIT_HANDLER.EPT_VIOLATION + hvm.shadowSyncEntry,
      // estimate: sh_update_cr3 with the top-level shadow in the hash (shadow_hash_lookup, sh_update_linear_entries):
      // KVM's cached-root switch (hvm.shadowCr3Switch)
      cr3: hvm.shadowCr3Switch,
      // estimate: sh_resync_l1 re-propagating one changed entry (l1e_propagate_from_guest, shadow_set_l1e):
      // KVM's sync_spte figure (hvm.shadowSyncEntry)
      syncEntry: hvm.shadowSyncEntry,
      // estimate: FOREACH_PRESENT_L1E comparing a guest entry with its snapshot, two loads and a compare: a PTE
      // access (native.pteWrite)
      compareEntry: native.pteWrite,
      // estimate: oos_hash_add's copy_domain_page of the table into its snapshot, a 4 KiB copy (native.pageCopy)
      snapshot: native.pageCopy,
      // estimate: shadow_alloc and clearing the new shadow, a 4 KiB page clear (native.pageCopy)
      alloc: native.pageCopy,
      // estimate: sh_remove_shadows clearing each present entry, one PTE write
      zapEntry: native.pteWrite,
    },
  };
}
