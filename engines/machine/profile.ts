// A cost profile: the hardware geometry and the cycle costs every engine charges. Each profile file in
// profiles/ gives every number with its source in a comment, or says it is an estimate and why
// (docs/architecture.md#calibration lists the sources).
import type { PowerProfile } from '../power/types.ts';

export interface CacheGeometry {
  /** number of sets; entries = sets * ways */
  sets: number;
  ways: number;
}

export interface TlbProfile {
  /** L1 data TLB for 4 KiB pages */
  l1: CacheGeometry;
  /** L1 data TLB for 2 MiB / 1 GiB pages (kept separately, as on real parts) */
  l1Huge: CacheGeometry;
  /** unified L2 (STLB) for 4 KiB pages */
  l2: CacheGeometry;
  /** L2 entries for huge pages */
  l2Huge: CacheGeometry;
  /** cycles of an L1 hit (part of the load's latency, charged as `tlb-hit`) */
  l1HitCycles: number;
  /** extra cycles of an L1 miss that hits L2 */
  l2HitCycles: number;
}

export interface PagingStructureCacheProfile {
  /** entries of the PML4E cache (a hit skips 1 reference) */
  pml4: number;
  /** entries of the PDPTE cache (skips 2) */
  pdpt: number;
  /** entries of the PDE cache (skips 3) */
  pd: number;
  /** entries of the nested TLB: cached gPA→hPA translations used by 2-D walks (Bhargava et al. 2008) */
  nestedTlb: number;
}

/**
 * Where a data access is served from, by how recently its page was touched (page-recency.ts, mmu.ts): the
 * model keeps pages, not cache lines. Cycles are those beyond the L1 hit every access pays (tlb.l1HitCycles).
 */
export interface DataCacheProfile {
  /** 4 KiB pages the core's own caches hold (a power of two): a load from one of them costs the L1 hit only */
  nearPages: number;
  /** 4 KiB pages the shared last-level cache holds (a power of two; 0 when the near caches are the last level) */
  llcPages: number;
  /** extra cycles of a load served by the last-level cache */
  llcCycles: number;
  /** extra cycles of a load served by DRAM */
  dramCycles: number;
}

export interface CpuFeatures {
  /** extended/nested page tables (Intel EPT from Nehalem 2008, AMD NPT from Barcelona 2007) */
  ept: boolean;
  /** VPID/ASID tagged TLB entries across VM entry/exit */
  vpid: boolean;
  /** PCID-tagged TLB entries across CR3 writes (and INVPCID) */
  pcid: boolean;
  /** APIC virtualization (Intel APICv / AMD AVIC) */
  apicv: boolean;
  /** 1 GiB pages */
  gbPages: boolean;
}

/** native (bare-metal) costs in cycles */
export interface NativeCosts {
  /** average cycles per page-walk memory reference (walk references mostly hit the data caches) */
  memRef: number;
  /** SYSCALL + SYSRET round trip, no kernel work */
  syscall: number;
  /** the kernel's own work in a null syscall (dispatch, return path) */
  syscallKernelWork: number;
  /** MOV to CR3 (HyperBench set-cr3) */
  cr3Write: number;
  invlpg: number;
  /** exception delivery + IRET (the hardware part of a page fault) */
  exception: number;
  /** the kernel's page-fault handler: find the VMA, allocate and zero a frame, install the PTE */
  pageFaultHandler: number;
  /** copying one 4 KiB page (COW break) */
  pageCopy: number;
  /** a kernel write of one page-table entry, and reading one during fork's copy */
  pteWrite: number;
  cpuid: number;
  rdtsc: number;
  msrRead: number;
  msrWrite: number;
  /** external interrupt delivery + handler entry/exit */
  interrupt: number;
  /** local APIC EOI write */
  eoi: number;
  /** sending an IPI and having it handled (HyperBench IPI) */
  ipi: number;
  /** a port I/O instruction to a real device register (HyperBench IN/OUT) */
  pio: number;
  /** an uncached MMIO register access */
  mmio: number;
  /** a near call + return: what a "hypercall" costs with no hypervisor */
  call: number;
  /** scheduler + switch_mm work of a context switch, excluding the CR3 write */
  contextSwitch: number;
  /** fork's fixed kernel work (task struct, files, ...) excluding page-table copying */
  forkBase: number;
  /** fork's work per present page beyond the PTE stores (copy_present_pte: the folio's reference and rmap
   *  counts, the RSS counter) */
  forkPage: number;
  /** exec's fixed kernel work (loader) excluding page-table work */
  execBase: number;
  /** exit's fixed kernel work */
  exitBase: number;
  /** driver work per block / network request (submit + completion) */
  ioRequest: number;
  /** copying one byte between buffers (memcpy throughput, cycles per byte) */
  copyPerByte: number;
}

/** device timings; identical on every engine (the device itself is not virtualized) */
export interface DeviceProfile {
  diskLatencyUs: number;
  diskBytesPerUs: number;
  netLatencyUs: number;
  netBytesPerUs: number;
}

/** hardware-assisted (VT-x / AMD-V) costs in cycles */
export interface HvmCosts {
  /** VM exit + VM entry round trip handled in the hypervisor kernel (no handler work) */
  exitRoundTrip: number;
  /** extra cost when the exit is forwarded to the user-space device model (KVM_RUN return, ioctl, re-entry) */
  userExitExtra: number;
  /** handler work per exit reason in the hypervisor kernel (decode, emulate, inject); default for unlisted */
  exitHandler: Record<string, number>;
  /** user-space device-model work per emulated register access */
  deviceModelAccess: number;
  /** KVM's EPT violation handler: allocate and map a host page (get_user_pages + EPT entry) */
  eptViolationHandler: number;
  /** KVM's EPT violation on guest memory backed by a transparent huge page: the host's 2 MiB anonymous fault
   *  (allocating and zeroing 2 MiB) plus a 2 MiB EPT leaf */
  thpFaultHandler: number;
  /** shadow paging: KVM's work for one shadow fault or write-protect exit (walking the guest tables or emulating
   *  the guest's store, and setting the shadow entry) */
  shadowPteSync: number;
  /** shadow paging: resyncing one present entry of an unsync shadow page from the guest's PTE (kvm_sync_page) */
  shadowSyncEntry: number;
  /** shadow paging: switching the shadow root on a guest CR3 write (cached root lookup) */
  shadowCr3Switch: number;
  /** virtio: host-side work per request (vhost / device model) */
  virtioRequest: number;
  /** interrupt injection through irqfd (posted or event injection) */
  irqInject: number;
}

/** paravirtual (Xen PV) costs in cycles */
export interface PvCosts {
  /** SYSCALL into Xen + return to the guest (hypercall page uses `syscall` on x86-64) */
  hypercallEntry: number;
  /** building a bounce frame to deliver a trap/syscall/event to the guest kernel */
  bounceFrame: number;
  /** Xen validating one PTE in mmu_update / update_va_mapping (type and reference counting) */
  pteValidate: number;
  /** per-entry work of multicall dispatch */
  multicallEntry: number;
  /** Xen's scan of one page-table page's 512 entries when it takes or drops its type (alloc_lN_table /
   *  free_lN_table), excluding the present entries' reference-count work, which costs pteValidate each */
  pinTablePage: number;
  /** event-channel send + upcall delivery to the other domain */
  eventChannelNotify: number;
  /** grant map (host side) per page */
  grantMap: number;
  /** grant unmap per page (excluding the TLB flush it forces) */
  grantUnmap: number;
  /** scheduling Dom0's back end vCPU to service a ring */
  backendWakeup: number;
  /** back-end driver work per request in Dom0 */
  backendRequest: number;
  /** emulating a trapped privileged instruction (PV "emulate privop") */
  emulatePrivop: number;
}

export interface CostProfile {
  id: string;
  title: string;
  description: string;
  vendor: 'intel' | 'amd';
  /** nominal clock, for converting µs of device time and timer periods into cycles */
  ghz: number;
  features: CpuFeatures;
  tlb: TlbProfile;
  pwc: PagingStructureCacheProfile;
  dataCache: DataCacheProfile;
  native: NativeCosts;
  devices: DeviceProfile;
  hvm: HvmCosts;
  pv: PvCosts;
  /** P-states, C-state and power figures for the power-management suite (engines/power) */
  power: PowerProfile;
}
