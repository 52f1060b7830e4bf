// Linux CFS as KVM's host scheduler sees vCPU threads (kernel/sched/fair.c, before EEVDF replaced it in
// 6.6), one run queue per physical CPU with pinned vCPUs:
// - virtual runtime advances by run time × NICE_0_LOAD (1024) / shares; the lowest vruntime runs;
// - a running thread keeps the CPU for its ideal slice, sched_latency (6 ms) × its weight share, at least
//   sched_min_granularity (0.75 ms), unless a thread with a vruntime lower by sched_wakeup_granularity (1 ms)
//   is waiting (base values; Linux scales them by 1 + log2(CPUs));
// - a waking thread is placed at no less than min_vruntime − sched_latency / 2 (GENTLE_FAIR_SLEEPERS);
// - cgroup bandwidth control: cpu.cfs_quota_us of run time per cpu.cfs_period_us (100 ms), then throttled
//   until the next period.
import { EPS, type SchedVcpu, type VcpuScheduler } from './scheduler.ts';

const NICE_0_LOAD = 1024;
const LATENCY_MS = 6;
const MIN_GRANULARITY_MS = 0.75;
const WAKEUP_GRANULARITY_MS = 1;
const PERIOD_MS = 100;

export class CfsScheduler implements VcpuScheduler {
  private readonly n: number;
  private readonly shares: Float64Array;
  private readonly quotaMs: Float64Array;
  private readonly vruntime: Float64Array;
  private readonly used: Float64Array;
  private readonly runnable: Uint8Array;
  private readonly throttled: Uint8Array;
  private current = -1;
  private ranInSlice = 0;
  private minVruntime = 0;

  constructor(
    vcpus: readonly SchedVcpu[],
    private readonly dvfsAware: boolean,
  ) {
    this.n = vcpus.length;
    // cpu.shares default 1024 against Xen's default weight 256: the same ratio for the same booking
    this.shares = Float64Array.from(vcpus, (v) => v.weight * 4);
    this.quotaMs = Float64Array.from(vcpus, (v) => (v.cap === null ? Infinity : v.cap * PERIOD_MS));
    this.vruntime = new Float64Array(this.n);
    this.used = new Float64Array(this.n);
    this.runnable = new Uint8Array(this.n);
    this.throttled = new Uint8Array(this.n);
  }

  tick(nowMs: number): void {
    if (nowMs % PERIOD_MS !== 0) return;
    this.used.fill(0);
    this.throttled.fill(0);
  }

  wake(v: number, _nowMs: number): void {
    this.runnable[v] = 1;
    this.vruntime[v] = Math.max(this.vruntime[v], this.minVruntime - LATENCY_MS / 2);
  }

  block(v: number): void {
    this.runnable[v] = 0;
    if (this.current === v) this.current = -1;
  }

  private eligible(v: number): boolean {
    return this.runnable[v] === 1 && this.throttled[v] === 0;
  }

  private idealSliceMs(v: number): number {
    let total = 0;
    for (let w = 0; w < this.n; w++) if (this.eligible(w)) total += this.shares[w];
    return Math.max(MIN_GRANULARITY_MS, (LATENCY_MS * this.shares[v]) / total);
  }

  pick(_nowMs: number): number {
    let best = -1;
    for (let v = 0; v < this.n; v++) {
      if (this.eligible(v) && (best < 0 || this.vruntime[v] < this.vruntime[best])) best = v;
    }
    const cur = this.current;
    if (cur >= 0 && this.eligible(cur) && this.ranInSlice < this.idealSliceMs(cur) - EPS) {
      if (best === cur || this.vruntime[cur] - this.vruntime[best] <= WAKEUP_GRANULARITY_MS) return cur;
    }
    this.ranInSlice = 0; // a new slice, for another thread or the same one again
    this.current = best;
    return best;
  }

  setCap(v: number, cap: number | null): void {
    this.quotaMs[v] = cap === null ? Infinity : cap * PERIOD_MS;
    // a quota already spent in this period throttles at once (tg_set_cfs_bandwidth keeps the period's runtime)
    this.throttled[v] = this.used[v] >= this.quotaMs[v] - EPS ? 1 : 0;
    if (this.throttled[v] && this.current === v) this.current = -1;
  }

  budgetMs(v: number, rate: number): number {
    const slice = this.idealSliceMs(v) - this.ranInSlice;
    const quota = (this.quotaMs[v] - this.used[v]) / this.chargeRate(rate);
    return Math.min(slice, quota);
  }

  charge(v: number, ms: number, rate: number, _nowMs: number): void {
    const work = ms * this.chargeRate(rate);
    this.vruntime[v] += (work * NICE_0_LOAD) / this.shares[v];
    this.used[v] += work;
    this.ranInSlice += ms;
    if (this.used[v] >= this.quotaMs[v] - EPS) {
      this.throttled[v] = 1;
      if (this.current === v) this.current = -1;
    }
    let min = Infinity;
    for (let w = 0; w < this.n; w++) if (this.runnable[w] && this.vruntime[w] < min) min = this.vruntime[w];
    if (min !== Infinity && min > this.minVruntime) this.minVruntime = min;
  }

  private chargeRate(rate: number): number {
    return this.dvfsAware ? rate : 1;
  }
}
