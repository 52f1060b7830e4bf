// KVM's rules for the shared shadow MMU (shadow-mmu.ts), from Linux arch/x86/kvm/mmu/mmu.c and paging_tmpl.h,
// with the per-event costs of the profile (engines/machine/profiles/, each cited or estimated there) and the
// counter names the kvm engine has always reported.
import type { ShadowPolicy } from '../types.ts';
import type { CostProfile } from '../machine/profile.ts';

/** arch/x86/kvm/mmu/mmu.c: neighbouring entries a leaf shadow fault prefetches, an aligned group */
export const PTE_PREFETCH_NUM = 8;
/** detect_write_flooding: emulated writes to one page without an intervening use that zap it */
const WRITE_FLOODING_ZAP = 3;

/** KVM's shadow MMU; `cache` false: the design before shadow tables were cached across CR3 writes */
export function kvmShadowPolicy(profile: CostProfile, cache: boolean): ShadowPolicy {
  const { hvm, native } = profile;
  return {
    names: {
      fault: 'shadowFaults',
      injected: 'shadowInjectedFaults',
      writeProtect: 'shadowWriteProtectExits',
      unsyncStore: 'shadowWriteProtectExits',
      unsync: 'shadowUnsyncs',
      // no bound on unsync pages, so nothing is ever evicted
      evict: 'shadowUnsyncEvictions',
      sync: 'shadowSyncs',
      zap: 'shadowZaps',
      pages: 'shadowPages',
      prefetches: 'shadowPrefetches',
      rebuilds: 'shadowRebuilds',
      faultWork: 'shadow-fault',
      writeProtectWork: 'shadow-write-protect',
      unsyncStoreWork: 'shadow-write-protect',
      syncWork: 'shadow-sync',
      zapWork: 'shadow-zap',
      allocWork: 'shadow-alloc',
      snapshotWork: 'shadow-snapshot',
    },
    cache,
    oosSlots: Infinity,
    snapshot: false,
    resyncEveryCr3: false,
    syncOnLookup: true,
    prefetch: { entries: PTE_PREFETCH_NUM, aligned: true },
    emulatedWrite: 'zap',
    unshadowAfter: WRITE_FLOODING_ZAP,
    costs: {
      fault: hvm.shadowPteSync,
      emulate: hvm.shadowPteSync,
      cr3: hvm.shadowCr3Switch,
      syncEntry: hvm.shadowSyncEntry,
      compareEntry: 0,
      snapshot: 0,
      // estimate: allocating and zeroing the shadow table costs a 4 KiB page clear (native.pageCopy)
      alloc: native.pageCopy,
      // estimate: clearing each present entry costs one PTE write
      zapEntry: native.pteWrite,
    },
  };
}
