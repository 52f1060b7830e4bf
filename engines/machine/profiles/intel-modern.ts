// Default profile: a recent Intel Xeon, Skylake-SP class (Xeon Scalable, 2017) with EPT, VPID, PCID and APICv.
// Costs are for a kernel without KPTI. Skylake-SP is vulnerable to Meltdown, so Xen runs its PV guests with
// XPTI by default on it (the xen engine's xpti option defaults from the vendor; xpti=off shows PV without it).
import type { CostProfile } from '../profile.ts';
import { NVME_SSD_10GBE } from './devices.ts';

export const INTEL_MODERN: CostProfile = {
  id: 'intel-modern',
  title: 'Intel Xeon, Skylake-SP class',
  description: 'recent Intel server core: EPT, VPID, PCID, APICv, 1 GiB pages',
  vendor: 'intel',
  // estimate: a typical Skylake-SP base clock (Xeon Gold 61xx parts run 2.1–3.0 GHz base)
  ghz: 2.5,
  // VT-x with EPT since Nehalem (2008), VPID since Nehalem, PCID since Westmere, APICv (posted interrupts) on
  // Skylake-SP, 1 GiB pages since Westmere (Intel SDM Vol. 3 and ark.intel.com feature lists)
  features: { ept: true, vpid: true, pcid: true, apicv: true, gbPages: true },
  tlb: {
    // Intel 64 and IA-32 Architectures Optimization Reference Manual, Skylake TLB parameters:
    // L1 DTLB 4 KiB: 64 entries, 4-way
    l1: { sets: 16, ways: 4 },
    // L1 DTLB 2 MiB/4 MiB: 32 entries, 4-way (the 4 1 GiB entries are folded in here)
    l1Huge: { sets: 8, ways: 4 },
    // STLB: 1,536 entries, 12-way, shared by 4 KiB and 2 MiB pages
    l2: { sets: 128, ways: 12 },
    // the STLB's 2 MiB share: the part shares one array; the simulator keeps huge entries apart with the same
    // geometry (estimate: real capacity is shared, so this slightly favours mixed page sizes)
    l2Huge: { sets: 128, ways: 12 },
    // Optimization Manual, Skylake cache parameters: L1D load-to-use latency 4 cycles; the L1 DTLB lookup
    // runs in parallel with it, so an L1 TLB hit costs the load latency and nothing more
    l1HitCycles: 4,
    // estimate: Intel does not publish the STLB hit penalty; third-party measurements put it at ~9 cycles on
    // Skylake (7-cpu.com) and ~12 on Haswell (mynavi.jp RMMA)
    l2HitCycles: 9,
  },
  pwc: {
    // Intel SDM Vol. 3 §4.10.3 describes PML4E, PDPTE and PDE caches but not their sizes. estimate: the sizes
    // commonly reverse-engineered for recent Intel cores (2 / 4 / 32 entries; cf. Barr et al., ISCA 2010,
    // "Translation caching: skip, don't walk")
    pml4: 2,
    pdpt: 4,
    pd: 32,
    // estimate: Intel does not document a separate nested TLB; Bhargava et al. (ASPLOS 2008) evaluate small
    // fully-associative nested TLBs of tens of entries; 32 chosen
    nestedTlb: 32,
  },
  // AnandTech, "Sizing Up Servers: Intel's Skylake-SP Xeon versus AMD's EPYC 7000" (De Gelas, Cutress, July
  // 2017), memory latency page: LMBench random-load latency on Skylake-SP
  dataCache: {
    // the 1 MiB private L2 of Skylake-SP (Intel Optimization Manual, Skylake Server cache parameters); its hits
    // are charged the L1 latency: the page-level model cannot tell which of a page's lines L1 holds
    nearPages: 256,
    // L3 of 1.375 MiB per core, shared: 27.5 MiB on a 20-core Xeon Gold 6148, taken as 32 MiB (the table is
    // direct-mapped by frame number, so its size is a power of two)
    llcPages: 8192,
    // L3 at 4–8 MB: 54–56 cycles, less the L1's 4
    llcCycles: 51,
    // memory at 384–512 MB: 89–91 ns, at this profile's 2.5 GHz 225 cycles, less the L1's 4
    dramCycles: 221,
  },
  native: {
    // estimate: paging-structure entries mostly hit the data caches; between Skylake's L2 (12 cycles) and L3
    // (44 cycles) load latency (Optimization Manual, Skylake cache parameters)
    memRef: 20,
    // estimate: SYSCALL + SYSRET pair without KPTI is ~70 cycles on Skylake-class cores (Agner Fog's
    // instruction tables list SYSCALL/SYSRET in the tens of cycles each)
    syscall: 70,
    // estimate: Linux's syscall entry/dispatch/exit path for a null call (getpid ~100 ns total on 2.5 GHz)
    syscallKernelWork: 180,
    // HyperBench host, set-cr3 (Wei et al., POMACS 2019; the repository's docs/Host.png)
    cr3Write: 206,
    // estimate: INVLPG of one page, ~100–200 cycles (Linux picked its 33-page full-flush ceiling because
    // individual INVLPGs this expensive stop paying off; commit "x86/mm: set TLB flush tunable to sane value")
    invlpg: 150,
    // estimate: #PF delivery through the IDT plus IRET, a few hundred cycles on modern cores
    exception: 250,
    // estimate: Linux anonymous page fault (VMA lookup, page allocation, zeroing 4 KiB, PTE install) ~1 µs
    pageFaultHandler: 2500,
    // estimate: copying 4 KiB mostly from cache at ~8 bytes/cycle
    pageCopy: 500,
    // estimate: one kernel store/load of a PTE plus surrounding bookkeeping
    pteWrite: 10,
    // Agner Fog, instruction tables (Skylake): CPUID 100–250 cycles depending on leaf
    cpuid: 150,
    // Agner Fog, instruction tables (Skylake): RDTSC reciprocal throughput ~25 cycles
    rdtsc: 25,
    // estimate: RDMSR of an ordinary MSR ~100 cycles (Agner Fog gives no figure; serialising microcode)
    msrRead: 100,
    // estimate: WRMSR serialises; ~150 cycles for an ordinary MSR
    msrWrite: 150,
    // estimate: IDT delivery + handler entry/exit + IRET for an external interrupt, ~500 cycles
    interrupt: 500,
    // estimate: x2APIC EOI is an MSR write, ~50 cycles
    eoi: 50,
    // HyperBench host, IPI (Wei et al., POMACS 2019; the repository's docs/Host.png)
    ipi: 2095,
    // HyperBench host, IN/OUT (Wei et al., POMACS 2019; the repository's docs/Host.png)
    pio: 3353,
    // estimate: an uncached MMIO read of a PCIe device register, ~0.7 µs round trip
    mmio: 1800,
    // estimate: a predicted near CALL + RET
    call: 5,
    // estimate: Linux schedule() + switch_mm work excluding the CR3 write (~0.6 µs)
    contextSwitch: 1500,
    // estimate: fork's task/files/signal duplication excluding page tables, ~10 µs
    forkBase: 25000,
    // fork of a large process on bare metal takes 9–13 ms per GB of RSS (Redis documentation, "Diagnosing
    // latency issues", fork time in different systems: 9 ms/GB on a Xeon @ 2.27 GHz, 13.1 ms/GB on another
    // physical machine), i.e. 86–124 cycles per 4 KiB page at 2.5 GHz for all of copy_page_range's per-page
    // work (mm/memory.c copy_present_pte: folio_get, folio_try_dup_anon_rmap_pte, rss counter, the parent's
    // ptep_set_wrprotect and the child's set_pte_at). The middle, 11 ms/GB ≈ 105 cycles, minus the two PTE
    // stores charged as pteWrite (2 × 10)
    forkPage: 85,
    // estimate: execve's loader work excluding page-table teardown/build, ~40 µs
    execBase: 100000,
    // estimate: do_exit's fixed work, ~8 µs
    exitBase: 20000,
    // estimate: block/net driver submit + completion per request (NVMe and NIC drivers, ~1.2 µs)
    ioRequest: 3000,
    // estimate: memcpy of I/O buffers at ~5 bytes/cycle (mix of cache and DRAM bandwidth)
    copyPerByte: 0.2,
  },
  devices: NVME_SSD_10GBE,
  hvm: {
    // estimate: no published Skylake figure found; between Nehalem's ≈ 2,000 cycles with EPT+VPID (Landau et
    // al., SplitX) and recent AMD's ≈ 1,344–1,376 around VMRUN (LKML), following the shrinking trend across
    // generations (Intel, IDF 2008)
    exitRoundTrip: 1500,
    // the whole KVM_RUN ioctl ≈ 2,550 cycles vs ≈ 1,360 around VMRUN on recent AMD (LKML): the ioctl return to
    // user space and re-entry add ≈ 1,200
    userExitExtra: 1200,
    // KVM's handler work per exit reason after the transition (decode, emulate, inject, resume). kvm-unit-tests
    // x86/vmexit.c measures only totals, so each is an estimate of the handler's work in Linux arch/x86/kvm:
    exitHandler: {
      // estimate: a dispatch through kvm_vmx_exit_handlers plus a few hundred cycles of emulation
      default: 300,
      // estimate: kvm_emulate_cpuid is a lookup in the vCPU's cpuid entry array and a register write-back
      CPUID: 100,
      // estimate: kvm_emulate_halt → kvm_vcpu_halt sets the mp_state; blocking itself is charged elsewhere
      HLT: 200,
      // estimate: kvm_fast_pio / emulator_pio_in_out decode the exit qualification, then an in-kernel device
      // (kvm_io_bus_read) or the kvm_run setup for user space
      IO_INSTRUCTION: 400,
      // estimate: kvm_get_msr_common's switch, no side effects
      MSR_READ: 150,
      // estimate: kvm_set_msr_common or the x2APIC path (kvm_x2apic_msr_write → kvm_apic_send_ipi for ICR)
      MSR_WRITE: 300,
      // estimate: handle_external_interrupt_irqoff dispatches the host vector; the host handler is charged apart
      EXTERNAL_INTERRUPT: 300,
      // estimate: handle_interrupt_window clears the window control and raises KVM_REQ_EVENT; the injection
      // itself is irqInject's. No decode
      INTERRUPT_WINDOW: 150,
      // estimate: handle_apic_access decodes and emulates the xAPIC MMIO instruction (x86_emulate_instruction)
      APIC_ACCESS: 500,
      // estimate: handle_apic_write → kvm_apic_write_nodecode, a trap-like exit with no instruction decode
      APIC_WRITE: 400,
      // estimate: handle_apic_eoi_induced → kvm_apic_set_eoi_accelerated, an ISR update and IOAPIC EOI broadcast
      EOI_INDUCED: 200,
      // estimate: kvm_emulate_hypercall's dispatch on RAX for a null call
      VMCALL: 150,
      // estimate: handle_ept_misconfig → kvm_mmu_page_fault's MMIO path (cached MMIO SPTE, ioeventfd lookup)
      EPT_MISCONFIG: 500,
      // estimate: handle_cr → kvm_set_cr3 / kvm_set_cr0 with no MMU reload
      CR_ACCESS: 300,
      // estimate: handle_invlpg → kvm_mmu_invlpg, one shadow walk (the shadow work is charged apart)
      INVLPG: 300,
      // estimate: handle_exception_nmi's dispatch and the event re-injection (kvm_queue_exception)
      EXCEPTION_NMI: 400,
      // estimate: handle_preemption_timer → kvm_lapic_expired_hv_timer, timer expiry and re-injection
      PREEMPTION_TIMER: 200,
      // estimate: kvm_tdp_page_fault when the host page is already present (prealloc): memslot lookup, a
      // fast get_user_pages, one EPT leaf — no allocation or zeroing (those are in eptViolationHandler)
      EPT_VIOLATION: 1000,
    },
    // estimate: QEMU's dispatch of one emulated register access (memory-region lookup, device callback);
    // HyperBench shows a user-space device round trip on Xen HVM costs ~31,000 cycles over native IN, KVM's
    // in-process QEMU path is far shorter
    deviceModelAccess: 3000,
    // estimate: KVM tdp_page_fault: get_user_pages of the backing page plus the EPT entry, ~1.5 µs
    eptViolationHandler: 4000,
    // a host 2 MiB THP fault (do_huge_pmd_anonymous_page: allocate, zero 2 MiB, map the PMD) behind one EPT
    // violation: the 4 KiB path above (which zeroes one 4 KiB page) plus zeroing the other 511 frames at the
    // rate the profile charges the guest for it (native.pageCopy, 500 per 4 KiB): 4,000 + 511 × 500. Cross-
    // check: demand-faulting 2 MiB pages runs at 11.82 GB/s (perf bench mem map -f demand, AMD Milan; Ankur
    // Arora, "[PATCH v4 00/13] x86/mm: Add multi-page clearing", LKML 2025-06-16), 177 µs ≈ 443,000 cycles at
    // 2.5 GHz: same order, the model is on the cheap side. THP pays the zeroing up front ("requiring larger
    // clear-page copy-page in page faults", Documentation/admin-guide/mm/transhuge.rst)
    thpFaultHandler: 4000 + 511 * 500,
    // estimate: FNAME(page_fault)'s guest walk and shadow-entry install, or emulating a trapped PTE store
    // (instruction decode, kvm_mmu_track_write) — either a few hundred loads and stores plus the decode
    shadowPteSync: 1500,
    // estimate: kvm_sync_page → FNAME(sync_spte) per present entry, in Linux arch/x86/kvm/mmu/paging_tmpl.h: the
    // guest PTE read through kvm_vcpu_read_guest_atomic (memslot lookup, a user-access copy between STAC and
    // CLAC, ~60 cycles), gpte_access and protect_clean_gpte, the memslot lookup again, make_spte (which for a
    // writable entry asks mmu_try_to_unsync_pages, a hash walk over the gfn's shadow pages, ~70) and
    // mmu_spte_update (~20): ≈ 150 cycles, some tens of function calls and loads per entry
    shadowSyncEntry: 150,
    // estimate: kvm_mmu_new_pgd with a cached shadow root (hash lookup, no rebuild)
    shadowCr3Switch: 1000,
    // estimate: vhost / virtio back-end work per request (descriptor chain, completion)
    virtioRequest: 2000,
    // estimate: irqfd signal + posted-interrupt injection
    irqInject: 500,
  },
  pv: {
    // estimate: a hypercall-page SYSCALL into Xen and the return, ~3× a native SYSCALL/SYSRET pair
    hypercallEntry: 250,
    // estimate: Xen building a bounce frame on the guest kernel stack (create_bounce_frame)
    bounceFrame: 150,
    // estimate: get_page_from_l1e + type/reference-count updates per validated PTE
    pteValidate: 200,
    // estimate: do_multicall's per-entry dispatch
    multicallEntry: 50,
    // estimate: alloc_lN_table / free_lN_table's loop over 512 entries (map_domain_page, a load and a present
    // test per entry through 64 cache lines), ~2 cycles per empty entry; present entries cost pteValidate
    pinTablePage: 1000,
    // estimate: evtchn_send hypercall plus upcall delivery in the other domain
    eventChannelNotify: 1500,
    // estimate: gnttab_map_grant_ref per page (grant lookup, reference counting, PTE install)
    grantMap: 1000,
    // estimate: gnttab_unmap_grant_ref per page, excluding its TLB flush
    grantUnmap: 1000,
    // estimate: credit scheduler waking Dom0's back-end vCPU (~2 µs)
    backendWakeup: 5000,
    // estimate: blkback/netback work per request in Dom0
    backendRequest: 3000,
    // estimate: Xen's x86_emulate decoding and emulating a trapped privileged instruction
    emulatePrivop: 1000,
  },
  power: {
    // P-states from the 2.5 GHz base down to 1.0 GHz, the lowest frequency (LFM) cpufreq reports for Xeon
    // Scalable parts (cpuinfo_min_freq 1000000); the hardware steps in 100 MHz ratios, we keep every third
    // to keep residency tables readable. Turbo is opportunistic and left out. Voltages: Intel publishes no
    // per-P-state VID for these parts; estimate: linear from 1.00 V at base to 0.70 V at LFM.
    pStates: [
      { mhz: 2500, volts: 1.0 },
      { mhz: 2200, volts: 0.94 },
      { mhz: 1900, volts: 0.88 },
      { mhz: 1600, volts: 0.82 },
      { mhz: 1300, volts: 0.76 },
      { mhz: 1000, volts: 0.7 },
    ],
    // the _PSS TransitionLatency acpi-cpufreq reports on Intel parts (cpuinfo_transition_latency 10000 ns)
    transitionLatencyUs: 10,
    // estimate: a 125 W TDP, 16-core Skylake-SP part is ~7.8 W per core at base; split as 2 W uncore share,
    // 1.5 W leakage and 4.5 W switching per busy core
    staticWattsPerCore: 2,
    leakWattsAtP0: 1.5,
    dynamicWattsAtP0: 4.5,
    // core C6 power-gates the core; estimate: ~0.1 W residual
    idle: { state: 'C6', watts: 0.1 },
    // Skylake-SP's table in Linux intel_idle (skx_cstates): exit latency / target residency C1 2/2 µs,
    // C1E 10/20 µs, C6 133/600 µs. Power, estimates: C1 stops the clock (leakage at base voltage, 1.5 W),
    // C1E also drops to the LFM voltage (1.5 × 0.7 V/1.0 V), C6 power-gates the core (0.1 W, as above)
    cStates: [
      { name: 'C1', exitLatencyUs: 2, targetResidencyUs: 2, watts: 1.5 },
      { name: 'C1E', exitLatencyUs: 10, targetResidencyUs: 20, watts: 1.05 },
      { name: 'C6', exitLatencyUs: 133, targetResidencyUs: 600, watts: 0.1 },
    ],
    // package C6 (Skylake-SP's PC6, entered when every core is in C6) gates most of the uncore; estimate: a
    // tenth of the 2 W share stays on (memory self-refresh, the I/O ring)
    packageIdle: { state: 'PC6', wattsPerCore: 0.2 },
    // Skylake-SP has HWP (Intel SDM Vol. 3B §15.4: CPUID.06H:EAX[7]); intel_pstate uses it in active mode
    autonomous: 'hwp',
    // Turbo ratio limits (non-AVX) of the Xeon Platinum 8180, the Skylake-SP part whose 2.5 GHz base is this
    // profile's clock, as Intel's Xeon Scalable specification update lists them and AnandTech's Skylake-SP
    // launch article ("Intel's Turbo Modes") describes: 3.8 GHz with up to 2 cores active, 3.6 GHz with 3–4,
    // down to the 3.2 GHz all-core turbo with all 28. The groups between 5 and 27 active cores are left out
    // (the last group covers them, under-stating turbo there); no scenario here has more than 4 cores.
    // Voltages: estimate, the P-states' line (0.2 V per GHz) continued above base.
    turbo: [
      { activeCores: 2, mhz: 3800, volts: 1.26 },
      { activeCores: 4, mhz: 3600, volts: 1.22 },
      { activeCores: 28, mhz: 3200, volts: 1.14 },
    ],
  },
};
