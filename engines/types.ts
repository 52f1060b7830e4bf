// The contracts every part of hvbench is written against: the guest-operation vocabulary that workloads
// produce, the counters an engine returns, and the Engine interface the harness drives. Built-in and
// third-party engines implement the same interface (docs/architecture.md#engine-interface).
import type { CostProfile } from './machine/profile.ts';
import type { Counters } from './machine/counters.ts';
import type { EntryFormat, PhysicalMemory } from './machine/types.ts';

// ---------------------------------------------------------------------------------------------------------
// Guest operations (docs/architecture.md#operations). Operations carry counts so a million syscalls are one record.
// Field names here are the field names of user workload files. `cpu` (touch, unmap, protect; default 0) runs
// the operation on that vCPU as a thread of the current process: the vCPU loads the process's address space
// first if it has not (a context switch there), and every vCPU that has it loaded is in its mm_cpumask, which
// the TLB flushes of munmap, mprotect, fork and COW faults reach. Every other operation runs on vCPU 0.
// ---------------------------------------------------------------------------------------------------------

export type PageSize = '4k' | '2m' | '1g';
export type AccessPattern = 'seq' | 'random' | 'stride';
export type DeviceKind = 'disk' | 'net';
export type IoDirection = 'read' | 'write';

export type GuestOp =
  /** pure user-mode work: no privileged effect on any engine */
  | { op: 'compute'; cycles: number }
  /** null system-call round trips from user mode */
  | { op: 'syscall'; count: number }
  | { op: 'cpuid'; count: number }
  | { op: 'rdtsc'; count: number }
  /** RDMSR/WRMSR of one MSR index (e.g. 0x6e0 IA32_TSC_DEADLINE, 0x830 x2APIC ICR) */
  | { op: 'msr'; index: number; write: boolean; count: number }
  /** idle: HLT until the next interrupt wakes the vCPU */
  | { op: 'hlt'; count: number }
  /** explicit null hypercall (VMCALL/VMMCALL on HVM, a hypercall-page call on PV) */
  | { op: 'hypercall'; count: number }
  /** port I/O; which ports are handled in the hypervisor kernel vs forwarded to user space is the engine's device
   *  map. With `rep`, each of the `count` instructions is a string PIO (`rep ins` / `rep outs`) moving `rep`
   *  elements of `width` bytes (1, 2 or 4; default 1) through a page-aligned buffer */
  | { op: 'pio'; port: number; write: boolean; count: number; rep?: number; width?: 1 | 2 | 4 }
  /** accesses to an emulated device's MMIO register */
  | { op: 'mmio'; write: boolean; count: number }
  /** mmap of a fresh anonymous region; pages are demand-faulted on first touch */
  | { op: 'map'; region: string; bytes: number; pageSize: PageSize }
  /** munmap: PTEs cleared, TLB invalidated per page up to Linux's 33-page ceiling, then one full flush, on
   *  this vCPU and (by IPI or hypercall) on every other vCPU that has the address space loaded */
  | { op: 'unmap'; region: string; cpu?: number }
  /** mprotect of a whole region, flushed like munmap */
  | { op: 'protect'; region: string; writable: boolean; cpu?: number }
  /** memory accesses through TLB and page tables; `stride` is in pages for pattern 'stride' (default 1) */
  | { op: 'touch'; region: string; pattern: AccessPattern; accesses: number; write: boolean; stride?: number; cpu?: number }
  /** INVLPG of `count` pages of a region (the kvm-unit-tests / HyperBench invlpg case) */
  | { op: 'invlpg'; region: string; count: number }
  /** fork the current process (COW); the child gets the next pid (the first process is pid 1); the parent keeps running until a `switch`.
   *  `vfork`: the child shares the parent's address space (CLONE_VM) until it execs or exits: nothing is copied */
  | { op: 'fork'; vfork?: boolean }
  /** replace the current process's address space */
  | { op: 'exec' }
  /** exit the current process; its parent (or pid 1) runs next */
  | { op: 'exit' }
  /** context switch to process `to` (a pid) */
  | { op: 'switch'; to: number }
  /** device I/O through the engine's device model; `bytes` per request */
  | { op: 'io'; device: DeviceKind; dir: IoDirection; bytes: number; requests: number }
  /** `ticks` periodic timer interrupts at `periodUs` (TSC-deadline re-armed each tick) */
  | { op: 'timer'; periodUs: number; ticks: number }
  /** inter-processor interrupts; `target: 'self'` is a self-IPI. `masked`: each self-IPI is sent with the
   *  sender's interrupts disabled and taken at the STI after it (kvm-unit-tests x86/vmexit.c self_ipi_sti_nop) */
  | { op: 'ipi'; target: 'self' | 'other'; count: number; masked?: boolean }
  /** munmap of a region by a process whose threads run on vCPUs 0 … `cpus` − 1: each of those vCPUs first
   *  loads the address space if it has not (a thread scheduled there), then the munmap flushes them all */
  | { op: 'shootdown'; region: string; cpus: number }
  /**
   * the end of setup: the operations before it (mapping and faulting memory in, forking the processes a loop
   * switches between) prepare the measured phase, the operations after it are what the workload measures, as
   * HyperBench and kvm-unit-tests time only their loop. At most one per stream; without one, only the VM's
   * boot is setup. The machine is not reset: the measured phase runs on the state setup left.
   */
  | { op: 'phase' };

export type GuestOpName = GuestOp['op'];

// ---------------------------------------------------------------------------------------------------------
// Counters (docs/architecture.md#counters): the deterministic output of one (workload, engine) run.
// ---------------------------------------------------------------------------------------------------------

/** where a cycle was spent: the guest itself, the hypervisor, the host (Dom0 / user-space device model), idle */
export type CycleDomain = 'guest' | 'hypervisor' | 'host' | 'idle';

/** the flush scopes and causes, listed once: the results schema and the counters check enumerate these */
export const FLUSH_SCOPES = ['full', 'nonGlobal', 'single', 'tagged', 'remote'] as const;
export const FLUSH_CAUSES = ['cr3', 'invlpg', 'hypercall', 'vmentry', 'shootdown', 'grantUnmap', 'invept', 'shadow'] as const;
export type FlushScope = (typeof FLUSH_SCOPES)[number];
export type FlushCause = (typeof FLUSH_CAUSES)[number];

/** the counters of one phase of a run (setup or measured) */
export interface PhaseCounters {
  cycles: { total: number; guest: number; hypervisor: number; host: number; idle: number };
  /**
   * Every cycle charged, by the mechanism that caused it (`compute`, `syscall`, `page-walk`,
   * `syscall-pt-switch`, `mmu-update`, `nested-walk`, `exit:CPUID`, `split-driver`, ...). Work native does too
   * is charged under the same name on every engine, so the per-mechanism difference to native explains the
   * overhead and adds up to it exactly.
   */
  attribution: Record<string, number>;
  exits: { total: number; byReason: Record<string, number> };
  hypercalls: { total: number; byOp: Record<string, number> };
  tlb: {
    flushes: { total: number; byScope: Partial<Record<FlushScope, number>>; byCause: Partial<Record<FlushCause, number>> };
    misses: number;
    walkRefs: number;
  };
  /** other event counts: interrupts, eventChannel, grantOps, pageFaults, cowFaults, ipis, ... */
  events: Record<string, number>;
}

/**
 * What an engine returns. An engine that separates the phases (Engine.phases) reports the measured phase in
 * the top-level fields and the VM's boot plus the operations before `phase` in `setup`; the whole run is their
 * sum. An engine without `setup` counted everything as measured.
 */
export interface RunCounters extends PhaseCounters {
  setup?: PhaseCounters;
  /** measured engines only: what they report beside the shared counters (backend, KVM stats, per-op TSC) */
  measured?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------
// Engines
// ---------------------------------------------------------------------------------------------------------

export type OptionValue = string | number | boolean;

/** one engine option, e.g. kvm's `mmu: ept | shadow` */
export interface EngineOptionSpec {
  name: string;
  description: string;
  /** allowed values for an enumerated option; absent for a free number */
  values?: readonly OptionValue[];
  type: 'enum' | 'boolean' | 'number';
  default: OptionValue;
}

export type Availability = { available: true } | { available: false; reason: string };

export interface EngineRunInput {
  ops: Iterable<GuestOp>;
  profile: CostProfile;
  /** option values after defaults are applied and validated */
  options: Record<string, OptionValue>;
  seed: number;
  /** `hvbench explain`: receives every charge and count of the measured phase in the order they happen
   *  (simulated engines pass it to runGuest); absent in a normal run */
  trace?: ChargeTrace;
}

/**
 * A listener on the Counters of one run (engines/machine/counters.ts calls it when one is set): every charge and
 * count of the measured phase as it happens, so that one operation's path can be shown step by step from the
 * engine's real charging path. `reset` is called where setup ends, so it holds the measured phase only.
 */
export interface ChargeTrace {
  reset(): void;
  /** `cycles` charged to `domain` under `mechanism`; `tlbMisses` and `walkRefs` are the counters' totals so far */
  charge(domain: CycleDomain, mechanism: string, cycles: number, tlbMisses: number, walkRefs: number): void;
  /** `n` of a counted thing: an exit by reason, a hypercall by op, a flush by scope and cause, a named event */
  count(kind: 'exit' | 'hypercall' | 'flush' | 'event', name: string, n: number): void;
}

export interface Engine {
  /** `native`, `xen`, `kvm`, `kvm-host`, or a third-party id */
  id: string;
  title: string;
  description: string;
  /** simulated engines are deterministic; measured ones run real hardware */
  mode: 'simulated' | 'measured';
  options: readonly EngineOptionSpec[];
  /**
   * the engine understands the `phase` operation: it counts boot and setup through the same machine as the
   * measured phase and returns them apart in RunCounters.setup. Without it the harness leaves `phase` out of
   * the stream the engine sees, and the engine's whole run is compared with native's whole run.
   */
  phases?: boolean;
  /** whether this engine can run here (a measured engine may lack /dev/kvm); simulated engines always can */
  availability(): Availability;
  run(input: EngineRunInput): RunCounters | Promise<RunCounters>;
  /** option defaults that depend on the CPU (kvm on a CPU without EPT defaults to shadow paging) */
  profileDefaults?(profile: CostProfile): Record<string, OptionValue>;
  /** reject an option combination the CPU cannot run, with a UsageError of one line */
  checkOptions?(options: Record<string, OptionValue>, profile: CostProfile): void;
  /** a measured engine whose wall-clock times on this host say nothing of the design it runs (an emulator runs
   *  the guest): why, in a few words, for the warning a timed run starts with; null when they do */
  timingsCaveat?(options: Record<string, OptionValue>): string | null;
}

// ---------------------------------------------------------------------------------------------------------
// Platform (docs/architecture.md#platform): the privileged operations of the guest kernel, Linux's paravirt_ops idea. The kernel in
// engines/guest/ is written once against this interface; native, xen and kvm are three implementations that
// charge cycles and count events on the shared machine model. Each method charges what native hardware also
// does under the same mechanism name on every engine, and virtualization-specific work under its own name.
// ---------------------------------------------------------------------------------------------------------

/** the guest kernel's own work inside one system call, run by the platform between entry and exit */
export interface KernelBody {
  run(): void;
}

/** what raised an interrupt the kernel takes: the periodic timer, a device completion, another vCPU */
export type InterruptSource = 'timer' | 'device' | 'ipi';

/** a guest's paging mode and where its kernel and user space sit in it (values in engines/guest/layout.ts) */
export interface AddressLayout {
  /** the table format the kernel builds and the MMU walks; `format.levels` is the root's level */
  readonly format: EntryFormat;
  /** the root-table slot linking the kernel's own mappings into every address space */
  readonly kernelSlot: number;
  /** first root-table slot of the kernel's part: user space lies below `kernelHalfSlot` root entries */
  readonly kernelHalfSlot: number;
  /** virtual address of the kernel's data footprint (engines/guest/kernel-image.ts) */
  readonly kernelBase: number;
  /** where user regions start (the mmap area, grown upwards) */
  readonly mmapBase: number;
  /** user regions must end at or below this address */
  readonly userVaEnd: number;
  /** Linux SHARED_KERNEL_PMD: every new root links the kernel's own table at `kernelSlot` (true), or gets a
   *  private copy of it (false: PAE under Xen PV, engines/guest/layout.ts) */
  readonly sharedKernelPmd: boolean;
}

export interface Platform {
  /** where every cycle and event of the run is counted; the kernel charges its own work here too */
  readonly counters: Counters;
  readonly profile: CostProfile;
  /** the guest's paging mode and address layout */
  readonly layout: AddressLayout;
  /** the memory the kernel's page tables live in, as the kernel addresses it (read-only use) */
  readonly memory: PhysicalMemory;
  /** whether the kernel may tag address spaces with PCIDs (MOV CR3 without flushing) */
  readonly pcid: boolean;
  /** whether the guest may map 2 MiB and 1 GiB pages (its CPU shows PSE, PDPE1GB): a Xen PV guest may not */
  readonly superpages: boolean;
  /** a data page of `frames` 4 KiB frames (1, or 512 / 262,144 contiguous and aligned for a huge page); the
   *  frame number the kernel puts in its PTEs: physical (native), machine via p2m (xen), guest-physical (kvm) */
  allocPage(frames: number): number;
  freePage(frame: number, frames: number): void;
  /** a zeroed page-table page for `level` (layout.format.levels = root); xen pins it */
  allocTable(level: number): number;
  freeTable(frame: number, level: number): void;
  /** a new address space (root `root`) is about to be used for the first time: end of fork's dup_mmap,
   *  exec's activate_mm, boot (Linux paravirt_enter_mmap; xen pins its tables) */
  enterMmap(root: number): void;
  /** an address space is about to be torn down (Linux arch_exit_mmap; xen unpins its tables first) */
  exitMmap(root: number): void;
  /** set one table entry (set_pte / set_pmd / set_pud / set_p4d) */
  writeEntry(table: number, index: number, lo: number, hi: number): void;
  /** a locked read-modify-write of a PTE in place, which has no paravirt hook (Linux 6.8: ptep_get_and_clear's
   *  xchg in munmap's zap_pte_range, ptep_set_wrprotect's cmpxchg in fork's copy_present_pte). Optional:
   *  a platform without it gets writeEntry. Natively a store; where the table page is read-only to the guest
   *  (xen, a pinned table) the hypervisor traps and emulates it */
  atomicEntry?(table: number, index: number, lo: number, hi: number): void;
  /** Linux's arch_start_context_switch / arch_end_context_switch around a context switch (paravirt hooks:
   *  xen batches the switch's hypercalls in a lazy-CPU window and adds the kernel stack switch). Optional */
  startContextSwitch?(): void;
  endContextSwitch?(): void;
  /** a phase is over (setup at the `phase` operation, the measured phase at the end of the run): charge what
   *  accrued with elapsed guest time since the last call (host timer ticks while the guest runs) */
  endRun?(): void;
  /** Linux's arch_enter/leave_lazy_mmu_mode: entry writes in between may be batched */
  enterLazyMmu(): void;
  leaveLazyMmu(): void;
  /** the kernel writes a page's contents: zeroing a fresh page, or a COW copy */
  zeroPage(frame: number, frames: number): void;
  copyPage(from: number, to: number, frames: number): void;
  /** MOV CR3 for a context switch; `flush` false keeps the PCID's TLB entries (CR3 bit 63) */
  switchAddressSpace(root: number, pcid: number, flush: boolean): void;
  /** INVLPG of one page of the current address space */
  invalidatePage(va: number): void;
  /** flush the current address space's non-global TLB entries */
  flushLocal(): void;
  /** the calls that follow run on vCPU `cpu` (brought up on first use): its MMU, TLB, CR3 and PCIDs */
  selectCpu(cpu: number): void;
  /** Linux flush_tlb_multi (arch/x86/mm/tlb.c), which flush_tlb_mm_range calls — since Linux 5.13 — with the
   *  whole mm_cpumask whenever a CPU other than its own is in it, its own CPU included. The mask is `others`
   *  (vCPUs other than the current one, each with the current address space loaded) and, when `here`, the
   *  current vCPU. Each drops `pages` pages of `pageBytes` from `va` from its TLB, or when `full` all of that
   *  address space's translations */
  flushMulti(others: readonly number[], here: boolean, va: number, pages: number, pageBytes: number, full: boolean): void;
  /** one user-mode memory access through the MMU; FAULT_NONE or the guest page-fault kind */
  access(va: number, write: boolean): number;
  /** delivery of a user page fault to the kernel's handler and the return to user mode */
  pageFault(): void;
  /** `count` null system-call round trips from user mode: entry, `body.run()` (the kernel's own accesses),
   *  exit, for each call */
  syscall(count: number, body: KernelBody): void;
  /** one kernel-mode (supervisor) access to a kernel page through the MMU; kernel pages are always present */
  kernelAccess(va: number, write: boolean): void;
  cpuid(count: number): void;
  rdtsc(count: number): void;
  msr(index: number, write: boolean, count: number): void;
  hypercall(count: number): void;
  /** `count` IN/OUT instructions, each moving `elements` elements (a string PIO when more than 1) of `width`
   *  bytes */
  pio(port: number, write: boolean, count: number, elements?: number, width?: number): void;
  mmio(write: boolean, count: number): void;
  /** idle until the next interrupt (HLT); `waitCycles`: how long until it arrives, when the kernel knows (a
   *  timer period, a device's service time; 0 for an interrupt already on its way) */
  halt(waitCycles?: number): void;
  /** take `count` interrupts (default 1): delivery, handler entry/exit and EOI; `fromIdle` when the vCPU was
   *  halted, otherwise it arrives while the vCPU runs */
  interrupt(source: InterruptSource, fromIdle: boolean, count?: number): void;
  /** program the timer for the next tick, `count` times (default 1) */
  armTimer(count?: number): void;
  /** send `count` IPIs (self or to another, halted vCPU); `masked`: a self-IPI sent with interrupts disabled,
   *  taken when the sender enables them again */
  sendIpi(target: 'self' | 'other', count: number, masked?: boolean): void;
  /** the guest has loaded cpuidle-haltpoll (Linux drivers/cpuidle/cpuidle-haltpoll.c, KVM guests only): it
   *  polls before it halts. Optional, off when absent */
  readonly guestHaltPoll?: boolean;
  /** hand a batch of `requests` requests of `bytes` to a device through the engine's device path (submission
   *  and back-end work); returns how many completion interrupts the kernel then takes (the device's own time
   *  and the interrupts are the kernel's to charge and take) */
  deviceSubmit(device: DeviceKind, dir: IoDirection, bytes: number, requests: number): number;
}

// ---------------------------------------------------------------------------------------------------------
// VMX exit handling (docs/architecture.md#kvm): the same VT-x machine runs a guest
// under KVM or under Xen; what differs after the VM exit is whose handler runs and where the device model is.
// ---------------------------------------------------------------------------------------------------------

/** the hypervisor side of a VM exit, a parameter of the shared hardware-assisted machinery */
export interface VmxExitHandlers {
  /** the handler's work for one exit of `reason` after the VMX round trip (decode, emulate, inject) */
  handler(reason: string): number;
  /** `n` exits the hypervisor forwards to the user-space device model, each doing `deviceWork` cycles of
   *  emulation there: everything after the exit and the handler (KVM: KVM_RUN returns to QEMU in the same
   *  process; Xen: an ioreq to QEMU in Dom0, scheduled in on this physical CPU) */
  forward(reason: string, n: number, deviceWork: number): void;
}

/** the names a shadow MMU's events and cycles are counted under: KVM's (kvm_stat-like camelCase) or xenalyze's */
export interface ShadowNames {
  /** events: a shadow fault fixed, a guest fault reflected to the guest, a trapped store to a shadowed table
   *  that is emulated, one that lets the table go out of sync, a table let out of sync, an out-of-sync table
   *  evicted to make room, a resync, a shadow page dropped, a shadow page made, entries prefetched, every shadow
   *  page dropped at a CR3 write (no cache) */
  fault: string;
  injected: string;
  writeProtect: string;
  unsyncStore: string;
  unsync: string;
  evict: string;
  sync: string;
  zap: string;
  pages: string;
  prefetches: string;
  rebuilds: string;
  /** mechanisms (attribution): the fault path, an emulated store, a store that unsyncs, the resync, dropping a
   *  page, making one, the snapshot an out-of-sync table is resynced against */
  faultWork: string;
  writeProtectWork: string;
  unsyncStoreWork: string;
  syncWork: string;
  zapWork: string;
  allocWork: string;
  snapshotWork: string;
}

/**
 * How a hypervisor runs the one shadow MMU of the VT-x machine (engines/hardware-assisted/shadow-mmu.ts) on a
 * CPU without EPT/NPT: KVM's rules (arch/x86/kvm/mmu/) or Xen's (xen/arch/x86/mm/shadow/). Costs are cycles.
 */
export interface ShadowPolicy {
  names: ShadowNames;
  /** shadow pages kept across CR3 writes, found again by guest table frame and level (false: all dropped at
   *  every CR3 write and rebuilt by shadow faults — KVM before 2007) */
  cache: boolean;
  /** leaf tables that may be out of sync at once: Infinity (KVM), or the slots of Xen's per-vCPU hash */
  oosSlots: number;
  /** a resync re-propagates only the entries that differ from a snapshot taken when the table went out of sync
   *  (Xen's sh_resync_l1); false: every present entry is re-read (KVM's kvm_sync_page) */
  snapshot: boolean;
  /** every CR3 write resyncs all out-of-sync tables (Xen's sh_update_cr3); false: a flushing one resyncs those
   *  under the new root (KVM's KVM_REQ_MMU_SYNC → kvm_mmu_sync_roots) */
  resyncEveryCr3: boolean;
  /** finding an out-of-sync page in the cache syncs it (KVM's kvm_mmu_find_shadow_page); false: returned as it
   *  is (Xen's get_shadow_status) */
  syncOnLookup: boolean;
  /** leaf prefetch on a shadow fault: the aligned group of `entries` around it, accessed entries only (KVM's
   *  FNAME(pte_prefetch)), or up to `entries` after it, stopping at one that would fault for A/D (Xen's
   *  sh_prefetch) */
  prefetch: { entries: number; aligned: boolean };
  /** a trapped store to a table that cannot go out of sync: 'zap' the shadow entry and drop the page at the
   *  `unshadowAfter`-th such store without a shadow walk using it (KVM: mmu_page_zap_pte, detect_write_flooding);
   *  'propagate' the new entry and drop the page at the `unshadowAfter`-th consecutive zero store to the same
   *  table (Xen: sh_validate_guest_entry, check_for_early_unshadow) */
  emulatedWrite: 'zap' | 'propagate';
  unshadowAfter: number;
  costs: {
    /** the fault handler after the exit round trip: walking the guest tables, building the shadow entry */
    fault: number;
    /** emulating a trapped store (decode, the shadow entry's update) */
    emulate: number;
    /** switching the shadow root at a CR3 write */
    cr3: number;
    /** re-propagating one guest entry into its shadow entry at a resync */
    syncEntry: number;
    /** comparing one present entry with the snapshot (snapshot policies only) */
    compareEntry: number;
    /** copying a table into its snapshot when it goes out of sync (snapshot policies only) */
    snapshot: number;
    /** allocating and clearing a shadow page */
    alloc: number;
    /** clearing one present shadow entry when a page is dropped */
    zapEntry: number;
  };
}

/**
 * How a Xen guest's split-driver front end reaches Xen, and how Xen's scheduler moves the shared physical CPU
 * between the guest and Dom0 (docs/architecture.md#xen): a PV guest notifies by hypercall and Xen switches its
 * page tables; an HVM / PVH guest notifies by VMCALL and Xen switches from its VMCS to Dom0's tables and back.
 */
export interface XenDomainPort {
  /** the front end's EVTCHNOP_send to its back end: `cycles` of Xen's work charged under `mechanism` */
  notify(mechanism: string, cycles: number): void;
  /** Xen's scheduler runs Dom0 on this physical CPU: its back end or device model was woken */
  toDom0(): void;
  /** Dom0 blocked again: Xen's scheduler runs the guest's vCPU */
  toGuest(): void;
}
