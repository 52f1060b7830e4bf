// Every bound hvbench puts on its inputs, in one place. A count that only multiplies a cost is taken up to
// 2^53 − 1 (a JSON number that is still an exact integer); anything the simulator does once per event —
// a page walk per access, a HLT and wake-up per halt, an interrupt per timer tick — and all simulated memory
// is bounded here, so every accepted input runs in a few seconds and well under 1 GiB (the budgets below are
// sized so that `run` with timing on — 13 repeats of each of native, xen and kvm — stays within ~30 s on two
// cores). Refusals quote the limit; README.md (Workloads, Limits) lists the same numbers.

// ---- workload files ------------------------------------------------------------------------------------

/**
 * Events a workload file may ask for in total: every operation record counts one, and each loop the guest
 * kernel runs per event counts per iteration — touch `accesses`, hlt `count`, timer `ticks`, invlpg `count`,
 * io `requests`. The slowest event (a random first touch: a 2-D walk, a guest fault and an EPT violation)
 * costs ≈ 5 µs of simulation: 2^18 random first touches over 1 GiB, on native, xen and kvm with timing
 * (13 runs each), measured 22 s of CPU, ≈ 11 s on two cores.
 */
export const MAX_FILE_EVENTS = 2 ** 18;

/**
 * Where user regions may lie: below the top of the 48-bit canonical user half minus the guard page Linux
 * keeps (TASK_SIZE_MAX = (1 << 47) − PAGE_SIZE, arch/x86/include/asm/page_64_types.h). The model has 4-level
 * paging only (no LA57), so an address at or above 2^47 is never produced; a region that does not fit is
 * refused rather than wrapped.
 */
export const USER_VA_END = 2 ** 47 - 4096;

/**
 * Regions mapped at once in one process. Linux allows 65,530 (vm.max_map_count); here the fault handler finds
 * a region by a linear search, and with 1024 regions 2^18 faults measured 0.6 s more CPU per engine run than
 * with one — 256 keep that under 0.2 s.
 */
export const MAX_REGIONS_PER_PROCESS = 256;

/** processes alive at once (each holds its own page tables) */
export const MAX_PROCESSES = 1024;

/**
 * Page-table pages the file's processes may hold at once, counted as an upper bound from the stream (each
 * touch can create at most one table per level per distinct page, a fork copies its parent's). A table page
 * is 4 KiB of simulated storage, so this is 32 MiB per engine run (kvm under shadow paging or xen keeps a
 * little more beside it) — 16 GiB of densely touched 4 KiB pages. Random touches that create all 2^13 over
 * 1 TiB, on native, xen and kvm with timing (3 × 13 runs), measured 15 s of CPU and a 405 MiB peak.
 */
export const MAX_TABLE_PAGES = 2 ** 13;

/**
 * Guest memory the file's touches may fault in while alive, in bytes (an upper bound, as for tables). The
 * data itself has no storage, but the hypervisor backs it frame by frame (kvm's EPT tables and backing
 * bitmap, one EPT violation loop per 4 KiB frame without THP).
 */
export const MAX_TOUCHED_BYTES = 2 ** 35;

/**
 * vCPUs a workload may run on (an op's `cpu` is below it, a shootdown's `cpus` at most it). Each vCPU has its
 * own TLB and paging-structure caches, ≈ 0.5 MiB of simulated state with the intel-modern geometry (most of it
 * the TLB's per-VPID generation table) and ≈ 25 ms to bring up under tsx: a file running threads on 64 vCPUs,
 * on native, xen and kvm with timing, measured 1.5 s more CPU and a 170 MiB higher peak than one on 2.
 */
export const MAX_VCPUS = 64;

/** a timer period beyond 1000 s is not a periodic tick (and its idle cycles must stay finite) */
export const MAX_TIMER_PERIOD_US = 1e9;

// ---- cost profiles ----------------------------------------------------------------------------------------

/**
 * Any number in a profile: finite and within [0, MAX_PROFILE_NUMBER]. No hardware event costs a billion
 * cycles (the dearest in the built-in profiles, a 2 MiB THP fault, is ≈ 260,000), and counts up to 2^53
 * times this still sum to a finite double.
 */
export const MAX_PROFILE_NUMBER = 1e9;

/** the clock, GHz: a 100 MHz to 10 GHz part (it converts µs of device and timer time into cycles) */
export const PROFILE_GHZ = { min: 0.1, max: 10 } as const;

/** TLB sets: a power of two (the set index is low bits of the page number), and ways per set */
export const MAX_TLB_SETS = 4096;
export const MAX_TLB_WAYS = 64;

/** entries of one paging-structure cache or the nested TLB */
export const MAX_PWC_ENTRIES = 4096;

/** pages one level of the data-cache model holds (a power of two; 2^20 pages = 4 GiB, beyond any cache) */
export const MAX_CACHE_PAGES = 1 << 20;

/** entries of any list in a profile (P-states) */
export const MAX_PROFILE_LIST = 64;

// ---- power scenarios ---------------------------------------------------------------------------------------

/**
 * Steps one power scenario may simulate per (design, policy): durationMs / 1 ms × (CPUs + VMs), each step a
 * scheduler and governor pass per CPU and VM. The built-ins need 60,000 at most (10 s × (2 CPUs + 4 VMs)).
 */
export const MAX_POWER_SCENARIO_STEPS = 1e6;

/** requests in one scenario's demand traces (each is queued and served once) */
export const MAX_POWER_REQUESTS = 1e6;

// ---- JSON inputs and results files -----------------------------------------------------------------------

/** no hvbench file nests deeper than ~8 levels (a results file: runs[i].tlb.flushes.byScope.full) */
export const MAX_JSON_DEPTH = 64;
/** the largest JSON input read: a full results file with timing samples is well under 10 MiB */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** the most runs a results file may hold: 20 × the default suite (96 runs); a report of 2,000 runs renders in
 *  seconds, one of 20,000 took minutes and gigabytes */
export const MAX_RUNS = 2000;

// ---- the command line ------------------------------------------------------------------------------------
// `--workers` is clamped to the CPUs (harness/pool.ts defaultWorkerCount): more threads only add memory.

// ---- scans over parameters and seeds -------------------------------------------------------------------

/** engine columns one `--sweep` set may make (the product of its values): each runs the whole workload
 *  selection, and a chart of more points than this no longer reads as a curve */
export const MAX_SWEEP_COLUMNS = 32;

/** seeds one `--seeds` may list: the suite runs once per seed, and the 95 % t-interval's table
 *  (engines/power/stats.ts) covers up to 30 degrees of freedom */
export const MAX_SEEDS = 31;

/** results files one `report --history DIR` reads (each is read whole; a default run's is ≈ 1 MB) */
export const MAX_HISTORY_FILES = 500;
