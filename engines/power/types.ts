// Contracts of the power-management model (docs/architecture.md#power): the hardware power profile a CostProfile carries, the
// consolidation scenarios workloads/power/ defines, and the `power` section of results.json.
//
// Work is measured in "f_max-milliseconds": the work a CPU does in 1 ms at its highest P-state. A CPU at
// frequency f does f/f_max of them per ms. That makes scenarios independent of the profile's clock and makes
// "booked capacity" (a share of one CPU at f_max, as Hagimont et al. define it) directly comparable with what
// a VM received. Work is assumed CPU-bound (it scales with f); memory-bound work would scale less.

/** one ACPI performance state: P0 is the fastest */
export interface PState {
  mhz: number;
  volts: number;
}

/** one core idle state, as cpuidle's tables give it */
export interface CState {
  name: string;
  /** time from the wake-up event until the core executes again, µs */
  exitLatencyUs: number;
  /** the shortest stay for which entering the state saves energy, µs */
  targetResidencyUs: number;
  /** what the core draws in it */
  watts: number;
}

export interface PowerProfile {
  /** P-states, fastest (P0) first; frequencies strictly descending, voltages non-increasing */
  pStates: PState[];
  /** time a core stops executing while it switches P-state (the _PSS TransitionLatency field), µs */
  transitionLatencyUs: number;
  /** per core, always drawn: its share of the package's uncore (caches, memory controller, ring) */
  staticWattsPerCore: number;
  /** per core executing at P0: leakage, scaled ∝ V at other P-states */
  leakWattsAtP0: number;
  /** per core executing at P0: switching power, scaled ∝ V²·f at other P-states */
  dynamicWattsAtP0: number;
  /** the C-state an idle core enters and what it draws there (clock and most leakage gated) */
  idle: { state: string; watts: number };
  /** the core C-states the idle governor chooses from, shallowest first; absent: `idle` alone, free to leave */
  cStates?: CState[];
  /**
   * the package C-state entered while every core is idle, which gates the uncore: what each core's static
   * share drops to; absent when the part has none
   */
  packageIdle?: { state: string; wattsPerCore: number };
  /**
   * the hardware-autonomous P-state control the part has, if any: Intel HWP (Skylake and later; Intel SDM
   * Vol. 3B §15.4, IA32_HWP_REQUEST) or ACPI CPPC as AMD implements it (Zen 2 and later, MSR_AMD_CPPC_REQ;
   * Linux Documentation/admin-guide/pm/amd-pstate.rst); `none` when the OS must pick P-states itself
   */
  autonomous: 'hwp' | 'cppc' | 'none';
  /**
   * turbo: above P0 (the base clock, the fastest state the OS requests by number) the CPU runs as fast as
   * the number of cores active in C0 allows — Intel's MSR_TURBO_RATIO_LIMIT with its core-count groups
   * (Skylake-SP: 1ADH, with the group sizes in 1AEH, which Linux turbostat reads as MSR_TURBO_RATIO_LIMIT1), AMD's Precision Boost. Groups
   * sorted by `activeCores` ascending; a group covers up to that many active cores. Absent: no turbo.
   */
  turbo?: TurboGroup[];
  /**
   * cores that share one P-state (the ACPI _PSD coordination domain, Linux's related_cpus): consecutive CPUs
   * in groups of this many. Absent: every core has its own
   */
  pStateDomainCores?: number;
}

/** one turbo ratio-limit group: the limit while at most `activeCores` cores are active */
export interface TurboGroup {
  activeCores: number;
  mhz: number;
  volts: number;
}

/**
 * a package power limit as RAPL enforces it (Intel SDM Vol. 3B §15.10.3, MSR_PKG_POWER_LIMIT; Linux
 * intel_rapl's constraint_0 "long_term" and constraint_1 "short_term"): the package's power averaged over
 * `tauMs` stays at or below `pl1Watts`, and over `pl2WindowMs` at or below `pl2Watts`
 */
export interface RaplLimit {
  pl1Watts: number;
  tauMs: number;
  pl2Watts: number;
  pl2WindowMs: number;
}

// ---------------------------------------------------------------------------------------------------------
// Scenarios (the `power` workload category). They do not fit the GuestOp vocabulary: a scenario is several
// VMs sharing physical CPUs over time, each with a booking and a demand trace.
// ---------------------------------------------------------------------------------------------------------

export interface PowerVmSpec {
  id: string;
  /** physical CPU the VM's single vCPU is pinned to (Hagimont et al. pin VMs, so the load is unambiguous) */
  cpu: number;
  /** capacity the owner booked: a fraction of one CPU at f_max (0..1) */
  booked: number;
  /** hard limit, as a fraction of one CPU: Xen credit `cap`, KVM cgroup cpu.cfs_quota_us / cfs_period_us */
  cap: number | null;
  /** relative share: Xen credit `weight` (default 256), KVM cgroup cpu.shares (default 1024) is weight × 4 */
  weight: number;
  /** a request finishing later than this after its arrival is an SLA miss; null: throughput VM */
  deadlineMs: number | null;
}

/** requests arriving at whole milliseconds, each needing `work` f_max-ms; sorted by arrival */
export interface DemandTrace {
  arrivalMs: Float64Array;
  work: Float64Array;
}

export interface PowerScenario {
  id: string;
  title: string;
  description: string;
  /** physical CPUs of the simulated host */
  cpus: number;
  durationMs: number;
  vms: PowerVmSpec[];
  /** the policies to run it under; every one when absent */
  policies?: readonly PowerPolicyId[];
  /** the host's firmware lets P0 turbo (the profile's turbo groups); off when absent */
  turbo?: boolean;
  /** a package power limit the host's administrator set (powercap sysfs); none when absent */
  rapl?: RaplLimit;
  /**
   * servers the CPUs belong to, `cpus / hosts` each, every one its own package; 1 when absent. A server with
   * no VM pinned to any of its CPUs is powered off and draws nothing (VirtualPower's consolidation)
   */
  hosts?: number;
  /** what a powered server draws besides its cores and uncore (memory, disks, fans, supply losses); 0 when absent */
  platformWattsPerHost?: number;
  /** one trace per VM, in `vms` order; deterministic from the seed */
  traces(seed: number): DemandTrace[];
}

// ---------------------------------------------------------------------------------------------------------
// Designs and policies
// ---------------------------------------------------------------------------------------------------------

export type PowerDesign = 'xen' | 'kvm';

export type PowerPolicyId =
  | 'performance'
  | 'powersave'
  | 'host-only'
  | 'guest-host-conflict'
  | 'soft-pstates'
  | 'dvfs-aware-credits';

/**
 * `autonomous`: no software governor; the CPU picks P-states itself under HWP or CPPC, guided by EPP.
 * `pas`: Hagimont et al.'s power-aware scheduler's frequency rule, in Xen in place of ondemand (governors/pas.ts)
 */
export type GovernorId = 'performance' | 'powersave' | 'ondemand' | 'schedutil' | 'autonomous' | 'pas';

/** credit2 is Xen's default since 4.12 (`sched=credit2`); `credit` is credit1 (`sched=credit`); KVM's host runs CFS */
export type PowerSchedulerId = XenSchedulerId | 'cfs';
export type XenSchedulerId = 'credit2' | 'credit';

/**
 * Who drives the host's P-states, named as each system configures it.
 * xen — Xen's command line `cpufreq=xen` (the default: Xen's own cpufreq, ondemand) or `cpufreq=dom0-kernel`
 *   (Xen's cpufreq off, Dom0's Linux governor writes PERF_CTL on the CPUs its pinned vCPUs run on);
 * kvm — the host kernel's cpufreq driver: `schedutil` (acpi-cpufreq, or intel_pstate in passive mode, with
 *   the schedutil governor), `hwp` (intel_pstate in active mode with HWP), `amd-pstate` (amd-pstate in
 *   active mode, CPPC with EPP).
 */
export type XenCpufreq = 'xen' | 'dom0-kernel';
export type KvmCpufreq = 'schedutil' | 'hwp' | 'amd-pstate';
export type CpufreqMode = XenCpufreq | KvmCpufreq;
/** energy_performance_preference, as intel_pstate and amd-pstate name its values in sysfs */
export type EppPreference = 'performance' | 'balance_performance' | 'balance_power' | 'power';
/**
 * how a KVM guest's own governor reaches the host when the policy lets guests request P-states:
 * passthrough — hypothetical: the guest's IA32_PERF_CTL write reaches the hardware (KVM does not do this);
 * virtual-cpufreq — Linux's virtual-cpufreq guest driver (drivers/cpufreq/virtual-cpufreq.c): the guest asks
 *   the VMM, which turns the request into a utilisation floor (uclamp_min) of the vCPU thread for the host's
 *   schedutil. The driver and crosvm's device exist for arm64; QEMU offers no such device on x86, so for this
 *   model's x86 profiles it is hypothetical too.
 */
export type GuestCpufreq = 'passthrough' | 'virtual-cpufreq';

/** one engine spec of `--engines` as the power model runs it: the options it honours (engines/power/engine-options.ts) */
export interface PowerEngine {
  /** the spec's label, e.g. `xen:sched=credit`; `xen` and `kvm` for the defaults */
  label: string;
  design: PowerDesign;
  /** xen only; KVM's host always runs CFS */
  xenScheduler: XenSchedulerId;
  cpufreq: CpufreqMode;
  /** with cpufreq=hwp or amd-pstate */
  epp: EppPreference;
  /** kvm only */
  guestCpufreq: GuestCpufreq;
  /** kvm only: KVM's adaptive halt-polling (halt_poll_ns) before a halted vCPU's thread sleeps */
  haltPoll: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Results: the `power` section of results.json (schema in schema.ts)
// ---------------------------------------------------------------------------------------------------------

export interface PowerVmResult {
  vm: string;
  /** booked share × f_max cycles × duration */
  bookedCycles: number;
  /** per 100 ms window, the smaller of the booking and what the VM asked for (backlog + arrivals), summed */
  entitledCycles: number;
  demandCycles: number;
  deliveredCycles: number;
  deliveredOfBookedPct: number;
  deliveredOfEntitledPct: number;
  requests: number;
  completed: number;
  /** requests of a latency-sensitive VM that finished after its deadline, or never finished */
  slaMisses: number;
  /** 95th percentile response time of completed requests, ms */
  p95LatencyMs: number;
}

export interface PowerRun {
  scenario: string;
  /** the engine spec's label (PowerEngine.label) */
  engine: string;
  design: PowerDesign;
  policy: PowerPolicyId;
  scheduler: PowerSchedulerId;
  cpufreq: CpufreqMode;
  /** the host's frequency decision: a governor, or `vpm` (VirtualPower's rules over guest soft states) */
  hostGovernor: GovernorId | 'vpm';
  /** the governor the guests run, when the policy lets them request P-states */
  guestGovernor: GovernorId | null;
  energyJ: number;
  avgPowerW: number;
  /** powered cpus × (static + idle C-state) watts × duration, plus the powered servers' platform: no policy can go below it */
  staticFloorJ: number;
  /** Jain's index over min(1, delivered / entitled) of the VMs that asked for anything */
  fairness: number;
  /** hardware P-state changes on all CPUs */
  transitions: number;
  /** P-state requests made by guests (MSR writes on KVM, hypercalls on Xen) */
  guestRequests: number;
  /** share of CPU-time spent in each P-state, keyed by MHz */
  residency: Record<string, number>;
  /** mean frequency of each CPU per bucket, MHz: the frequency-over-time chart */
  freqTrace: { bucketMs: number; mhzByCpu: number[][] };
  /** CPU 0's frequency in every step of a short window, MHz: what the 100 ms means smooth away (10 ms flapping) */
  freqZoom: { fromMs: number; stepMs: number; mhz: number[] };
  /** cycles the CPUs could have executed (time not lost to P-state transitions × f) */
  availableCycles: number;
  /** share of CPU-time the package power limit held a CPU slower than its P-state request allowed */
  raplThrottled: number;
  vms: PowerVmResult[];
}

/** a mean over seeds with its 95 % confidence interval */
export interface PowerInterval {
  mean: number;
  lo: number;
  hi: number;
}

/** one (scenario, engine, policy) over several seeds, and over the sampling phase of its governors */
export interface PowerRunStats {
  scenario: string;
  engine: string;
  design: PowerDesign;
  policy: PowerPolicyId;
  seeds: number[];
  energyJ: PowerInterval;
  fairness: PowerInterval;
  vms: { vm: string; deliveredOfBookedPct: PowerInterval }[];
  /** the first seed again with the ondemand sampling timers armed at each offset */
  phase: {
    offsetsMs: number[];
    /** the largest spread of a VM's delivered % of booking across the offsets, points */
    deliveredSpreadPts: number;
    /** the spread of energy across the offsets, % of its mean */
    energySpreadPct: number;
    /** both spreads within PHASE_ROBUST_PTS / PHASE_ROBUST_PCT (engines/power/suite.ts) */
    robust: boolean;
  };
}

export interface PowerScenarioInfo {
  id: string;
  title: string;
  description: string;
  cpus: number;
  durationMs: number;
  vms: PowerVmSpec[];
  turbo: boolean;
  rapl: RaplLimit | null;
  hosts: number;
  platformWattsPerHost: number;
}

export interface PowerResults {
  schema: 'hvbench/power@5';
  profile: string;
  seed: number;
  stepMs: number;
  pStatesMhz: number[];
  /** the profile's core C-states, shallowest first; empty: the profile has no C-state data (one idle state) */
  cStates: string[];
  scenarios: PowerScenarioInfo[];
  /** every (scenario, engine, policy) at `seed`, sampling phase 0 */
  runs: PowerRun[];
  /** the same, over seeds seed … seed + n − 1 and over sampling phases */
  stats: PowerRunStats[];
}
