// The per-physical-CPU scheduler contract the simulation drives. Each instance schedules the vCPUs pinned to
// one CPU, by local index. Time is in ms; `rate` is the CPU's current f / f_max. A DVFS-aware scheduler
// (Hagimont et al., Middleware 2013) charges `ms × rate` — work at f_max-equivalent — instead of `ms`, so
// a booking or cap means the same capacity at every frequency.
export interface VcpuScheduler {
  /** vCPU `v` became runnable at `nowMs` */
  wake(v: number, nowMs: number): void;
  /** vCPU `v` has no more work */
  block(v: number): void;
  /** the vCPU to run at `nowMs`, or -1 when none may run */
  pick(nowMs: number): number;
  /** how long `v` may run before the scheduler must choose again, ms (> 0 for a picked vCPU) */
  budgetMs(v: number, rate: number): number;
  /** `v` ran `ms` at `rate`, ending at `nowMs` */
  charge(v: number, ms: number, rate: number, nowMs: number): void;
  /** called at the start of every step: periodic accounting */
  tick(nowMs: number): void;
  /**
   * change `v`'s cap (a fraction of one CPU, null: none) from now on, as `xl sched-credit2 -c` or a write to
   * cpu.cfs_quota_us does: VirtualPower's soft scaling sets it (engines/power/vpm.ts)
   */
  setCap(v: number, cap: number | null): void;
}

export interface SchedVcpu {
  weight: number;
  /** fraction of one CPU, or null */
  cap: number | null;
}

/** below this, an amount of time or credit is treated as zero (floating-point residue of sub-ms runs) */
export const EPS = 1e-9;
