// A recent AMD EPYC core (Zen class): NPT (AMD's nested paging, reported as `ept`), ASID-tagged TLB entries
// (reported as `vpid`), PCID and AVIC. Software-path costs that do not depend on the vendor are those of
// intel-modern; what differs is the TLB geometry and the measured VMRUN round trip.
import type { CostProfile } from '../profile.ts';
import { INTEL_MODERN } from './intel-modern.ts';
import { NVME_SSD_10GBE } from './devices.ts';

export const AMD_MODERN: CostProfile = {
  id: 'amd-modern',
  title: 'AMD EPYC, Zen class',
  description: 'AMD EPYC 7601 (Zen 1): NPT, ASID, no PCID, 1 GiB pages; AVIC present but inhibited for x2APIC guests',
  vendor: 'amd',
  // EPYC 7601 base clock 2.2 GHz (AMD product page)
  ghz: 2.2,
  // NPT since Barcelona (2007), ASIDs since the first AMD-V parts, 1 GiB pages since Barcelona (AMD64
  // Architecture Programmer's Manual Vol. 2). No PCID: AMD added it with Zen 3 (the April 2020 revision of
  // AMD's Programmer's Reference Manual documents CR4.PCIDE for Family 19h). The profile is a Zen 1 part (EPYC 7601): it has
  // AVIC, but AVIC virtualizes only the xAPIC MMIO page; x2APIC virtualization (x2AVIC) came with Zen 4, and
  // before it KVM inhibits AVIC once the guest enables x2APIC (APICV_INHIBIT_REASON_X2APIC, Linux
  // arch/x86/kvm/svm/avic.c avic_set_virtual_apic_mode), which every Linux guest on KVM does (KVM offers
  // x2APIC, kvm_cpu_cap X2APIC). So for the guests modelled here there is no APIC virtualization: apicv false
  features: { ept: true, vpid: true, pcid: false, apicv: false, gbPages: true },
  tlb: {
    // AMD Software Optimization Guide for Family 17h (Zen), §2.7: L1 DTLB 64 entries, fully associative, all
    // page sizes. The simulator keeps 4 KiB and huge entries in two arrays of that geometry (capacity is shared
    // on the part: estimate in favour of mixed page sizes)
    l1: { sets: 1, ways: 64 },
    l1Huge: { sets: 1, ways: 64 },
    // same guide, §2.7.2: L2 DTLB 1,536 entries, 12-way, 4 KiB and 2 MiB (1 GiB pages smashed into 2 MiB
    // entries). Zen 2 grew it to 2,048 entries (WikiChip), a skewed 12-way array that has no power-of-two set
    // count, so the documented Zen 1 geometry is kept
    l2: { sets: 128, ways: 12 },
    l2Huge: { sets: 128, ways: 12 },
    // AMD Family 17h guide: L1D load-to-use latency 4 cycles, DTLB looked up in parallel
    l1HitCycles: 4,
    // estimate: AMD does not publish the L2 DTLB hit latency; third-party measurements put it at ~7 cycles
    l2HitCycles: 7,
  },
  pwc: {
    // AMD's page-walk cache holds upper-level entries (and Zen keeps PDEs in the L2 TLB, WikiChip); sizes are
    // undocumented. estimate: the intel-modern values
    ...INTEL_MODERN.pwc,
  },
  // AnandTech, "Sizing Up Servers: Intel's Skylake-SP Xeon versus AMD's EPYC 7000" (De Gelas, Cutress, July
  // 2017), memory latency page: LMBench random-load latency on the EPYC 7601
  dataCache: {
    // the 512 KiB private L2 (AMD Software Optimization Guide for Family 17h, §2.6); its hits are charged the
    // L1 latency: the page-level model cannot tell which of a page's lines L1 holds
    nearPages: 128,
    // the 8 MiB L3 of the core's own CCX: the other CCXes' L3 answers at about DRAM latency (89–95 ns for
    // 16–32 MB in the same measurements), so the 64 MiB of the package is not one cache
    llcPages: 2048,
    // L3 at 4–8 MB: 34–47 cycles, taken as 40, less the L1's 4
    llcCycles: 36,
    // memory at 384–512 MB: 96–98 ns, at this profile's 2.2 GHz 213 cycles, less the L1's 4
    dramCycles: 209,
  },
  // vendor-independent kernel software paths and HyperBench's host figures: see intel-modern for sources
  native: { ...INTEL_MODERN.native },
  devices: NVME_SSD_10GBE,
  hvm: {
    ...INTEL_MODERN.hvm,
    // ≈ 1,344–1,376 cycles around VMRUN on a recent AMD (an LKML measurement, docs/architecture.md#calibration): midpoint
    exitRoundTrip: 1360,
    // the whole KVM_RUN ioctl ≈ 2,550 cycles on the same host (LKML): 2,550 − 1,360 ≈ 1,190 for the ioctl
    // return to user space and re-entry
    userExitExtra: 1190,
  },
  // Xen's PV paths are software and vendor-independent: see intel-modern for the estimates
  pv: { ...INTEL_MODERN.pv },
  power: {
    // EPYC 7601's three P-states, 2.2 / 1.8 / 1.2 GHz (the frequency steps acpi-cpufreq lists for it).
    // Voltages: the P-state MSRs (C001_0064h…) hold them per part, undocumented per SKU; estimate
    // 1.10 / 1.00 / 0.85 V.
    pStates: [
      { mhz: 2200, volts: 1.1 },
      { mhz: 1800, volts: 1.0 },
      { mhz: 1200, volts: 0.85 },
    ],
    // estimate: the same 10 µs _PSS latency acpi-cpufreq reports on Intel parts
    transitionLatencyUs: 10,
    // estimate: 180 W TDP over 32 cores is ~5.6 W per core; 1.5 W uncore (Infinity Fabric, I/O) share,
    // 1 W leakage and 3.1 W switching per busy core
    staticWattsPerCore: 1.5,
    leakWattsAtP0: 1.0,
    dynamicWattsAtP0: 3.1,
    // Zen core CC6 power-gates the core; estimate: ~0.1 W residual
    idle: { state: 'CC6', watts: 0.1 },
    // no C-state table: no published one found for Zen 1's ACPI _CST (what acpi_idle reads); the report says "no C-state data"
    // package C6 (PC6, every CCD in CC6) gates the Infinity Fabric clocks; estimate: a tenth of the share stays on
    packageIdle: { state: 'PC6', wattsPerCore: 0.15 },
    // Zen 1 has no CPPC: amd-pstate needs it (Zen 2 and later; Linux Documentation/admin-guide/pm/amd-pstate.rst),
    // so EPYC 7001 hosts run acpi-cpufreq
    autonomous: 'none',
    // Precision Boost of the EPYC 7601 as AMD publishes it (product page): 3.2 GHz maximum boost, 2.7 GHz
    // all-core boost over its 32 cores. AMD does not publish how many active cores the maximum holds for;
    // estimate: up to 2, as Zen 1's top boost bin was presented for Ryzen. Voltages: estimate, the P-states'
    // line (0.25 V per GHz) continued above base.
    turbo: [
      { activeCores: 2, mhz: 3200, volts: 1.35 },
      { activeCores: 32, mhz: 2700, volts: 1.225 },
    ],
  },
};
