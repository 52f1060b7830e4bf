// A Penryn-era Intel Core 2 (Xeon 5400 "Harpertown", 2007): the hardware of the seed's 2007 Xen and KVM papers.
// VT-x without EPT and without VPID (both arrived with Nehalem, 2008), no PCID (Westmere), no APICv, no 1 GiB
// pages (Westmere). Without EPT, KVM must use shadow paging; without VPID every VM exit and entry flushes the
// TLB — the costs the seminar explains.
import type { CostProfile } from '../profile.ts';
import { INTEL_MODERN } from './intel-modern.ts';
import { NVME_SSD_10GBE } from './devices.ts';

export const CORE2_2007: CostProfile = {
  id: 'core2-2007',
  title: 'Intel Core 2 (Penryn), 2007',
  description: 'VT-x without EPT or VPID, no PCID, no APICv: the hardware of the 2007 Xen/KVM papers',
  vendor: 'intel',
  // Xeon E5450 nominal clock, 3.0 GHz (ark.intel.com)
  ghz: 3.0,
  features: { ept: false, vpid: false, pcid: false, apicv: false, gbPages: false },
  tlb: {
    // Intel Optimization Reference Manual, Intel Core microarchitecture §2.1.4: all DTLB levels 4-way;
    // DTLB0 4 KiB: 16 entries
    l1: { sets: 4, ways: 4 },
    // DTLB0 large pages: 16 entries
    l1Huge: { sets: 4, ways: 4 },
    // DTLB1 4 KiB: 256 entries
    l2: { sets: 64, ways: 4 },
    // DTLB1 large pages: 32 entries
    l2Huge: { sets: 8, ways: 4 },
    // same manual: L1 data cache load latency 3 cycles (DTLB0 looked up in parallel)
    l1HitCycles: 3,
    // same manual: "a DTLB0 miss and DTLB1 hit causes a penalty of 2 cycles"
    l2HitCycles: 2,
  },
  pwc: {
    // estimate: Core 2 already cached upper-level entries (Intel documented paging-structure caches in 2008,
    // "TLBs, Paging-Structure Caches, and Their Invalidation"); sizes undocumented, taken smaller than a
    // modern core's
    pml4: 2,
    pdpt: 4,
    pd: 16,
    // no nested paging hardware, so no nested TLB
    nestedTlb: 0,
  },
  dataCache: {
    // Penryn's 6 MiB L2, shared by a core pair, is its last level (no L3), taken as 4 MiB (the table is
    // direct-mapped by frame number, so its size is a power of two); its hits are charged the L1 latency
    // (X-bit labs, Core 2 Extreme QX9650 review: L2 latency 12–15 cycles): the page-level model cannot tell
    // which of a page's lines L1 holds
    nearPages: 1024,
    llcPages: 0,
    llcCycles: 0,
    // estimate: memory behind the front-side bus and the chipset's controller, ~75 ns, at this profile's 3.0 GHz
    // 225 cycles, less the L1's 3
    dramCycles: 222,
  },
  native: {
    // kernel software paths and HyperBench's host figures as in intel-modern (no Penryn measurements
    // published); what differs follows
    ...INTEL_MODERN.native,
    // estimate: no L3 on Penryn; walk references hit the 12 MiB L2 (~15 cycles) or go to DRAM through the FSB
    memRef: 25,
    // estimate: SYSCALL/SYSRET were slower on Core 2 than today (~100 cycles per pair)
    syscall: 100,
  },
  devices: NVME_SSD_10GBE,
  hvm: {
    ...INTEL_MODERN.hvm,
    // Nehalem ≈ 2,000 cycles per exit+entry (Landau et al., SplitX) was 33 % less than Penryn (Intel, IDF
    // 2008): 2,000 / (1 − 0.33) ≈ 3,000
    exitRoundTrip: 3000,
    // estimate: KVM's 2007 user-space exit path (ioctl return, QEMU loop) scaled like the transition, ~1.25×
    userExitExtra: 1500,
  },
  pv: { ...INTEL_MODERN.pv },
  power: {
    // Enhanced SpeedStep on the Xeon E5450 has two operating points: 9 × 333 MHz = 3.0 GHz and the 6 × 333 MHz
    // = 2.0 GHz low-frequency mode (Penryn's minimum bus ratio is 6). Voltages: the datasheet gives only
    // the VID range (0.85–1.35 V); estimate 1.25 V at 3.0 GHz and 1.05 V at 2.0 GHz.
    pStates: [
      { mhz: 3000, volts: 1.25 },
      { mhz: 2000, volts: 1.05 },
    ],
    // the _PSS TransitionLatency acpi-cpufreq reports for Core 2 parts (10 µs)
    transitionLatencyUs: 10,
    // the E5450 is two dual-core dies; the cores of a die share one clock and voltage (per-core P-states came
    // with Haswell-EP), so acpi-cpufreq's _PSD domain is the die's two cores
    pStateDomainCores: 2,
    // estimate: 80 W TDP over 4 cores is 20 W per core; 4 W front-side bus and L2 share, 5 W leakage and
    // 11 W switching per busy core (45 nm, before power gating)
    staticWattsPerCore: 4,
    leakWattsAtP0: 5,
    dynamicWattsAtP0: 11,
    // C1E (Extended HALT: clock stopped at the lowest VID) is the deepest state of the server parts; no
    // power gating before Nehalem's C6. estimate: 3 W per core, most of the leakage remains
    idle: { state: 'C1E', watts: 3 },
    // no C-state table: no published one found for Penryn's ACPI _CST (what acpi_idle reads); the report says "no C-state data"
    // HWP arrived with Skylake (2015); Penryn's P-states are the OS's (acpi-cpufreq) to pick
    autonomous: 'none',
    // no turbo: Intel Turbo Boost arrived with Nehalem (2008); Penryn Xeons run at most at P0
  },
};
