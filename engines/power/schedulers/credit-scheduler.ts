// Xen's credit scheduler (xen/common/sched/credit.c), per physical CPU with pinned vCPUs:
// - credits: CSCHED_CREDITS_PER_MSEC = 10; every accounting period (the 30 ms time slice, 3 ticks of 10 ms)
//   each active vCPU gets its weight's share of the period's 300 credits, limited by its cap
//   (cap % of one CPU → cap × 300 credits per period); a balance is clamped to one period's worth;
// - debiting by time stamps (since Xen 4.2, George Dunlap's "accurate accounting" commit), not a full tick
//   per 10 ms tick — the tick scheme let a guest that yields just before each tick take 95 % of a CPU;
// - priorities BOOST (a vCPU waking with credit left, until it has run a tick) > UNDER (credit > 0) > OVER;
//   round robin within a priority, 30 ms slices;
// - a capped vCPU out of credit is parked — not run even on an idle CPU — until the next accounting period.
//   (Xen parks only below −cap and lets the overdraft repay later; parking at 0 gives the same average.)
import { EPS, type SchedVcpu, type VcpuScheduler } from './scheduler.ts';

const CREDITS_PER_MS = 10;
const TICK_MS = 10;
const TSLICE_MS = 30;
const CREDITS_PER_PERIOD = CREDITS_PER_MS * TSLICE_MS;
const BOOST = 0;
const UNDER = -1;
const OVER = -2;

export class CreditScheduler implements VcpuScheduler {
  private readonly n: number;
  private readonly weight: Float64Array;
  /** credits a capped vCPU may earn per period; Infinity when uncapped */
  private readonly capCredits: Float64Array;
  private readonly credit: Float64Array;
  private readonly queuedAt: Float64Array;
  private readonly boostRanMs: Float64Array;
  private readonly runnable: Uint8Array;
  private readonly parked: Uint8Array;
  private readonly boosted: Uint8Array;
  private readonly ranInPeriod: Uint8Array;
  private current = -1;
  private sliceLeft = 0;

  constructor(
    vcpus: readonly SchedVcpu[],
    private readonly dvfsAware: boolean,
  ) {
    this.n = vcpus.length;
    this.weight = Float64Array.from(vcpus, (v) => v.weight);
    this.capCredits = Float64Array.from(vcpus, (v) => (v.cap === null ? Infinity : v.cap * CREDITS_PER_PERIOD));
    this.credit = new Float64Array(this.n);
    this.queuedAt = new Float64Array(this.n);
    this.boostRanMs = new Float64Array(this.n);
    this.runnable = new Uint8Array(this.n);
    this.parked = new Uint8Array(this.n);
    this.boosted = new Uint8Array(this.n);
    this.ranInPeriod = new Uint8Array(this.n);
  }

  tick(nowMs: number): void {
    if (nowMs % TSLICE_MS !== 0) return;
    // csched_acct: share the period's credits among the vCPUs that were active (ran or wanted to)
    let totalWeight = 0;
    for (let v = 0; v < this.n; v++) if (this.runnable[v] || this.ranInPeriod[v]) totalWeight += this.weight[v];
    for (let v = 0; v < this.n; v++) {
      if (this.runnable[v] || this.ranInPeriod[v]) {
        const fair = Math.min((CREDITS_PER_PERIOD * this.weight[v]) / totalWeight, this.capCredits[v]);
        this.credit[v] = Math.min(this.credit[v] + fair, CREDITS_PER_PERIOD);
      }
      if (this.parked[v] && this.credit[v] > EPS) this.parked[v] = 0;
      this.ranInPeriod[v] = 0;
    }
  }

  wake(v: number, nowMs: number): void {
    this.runnable[v] = 1;
    this.queuedAt[v] = nowMs;
    if (this.credit[v] > EPS && !this.parked[v]) {
      this.boosted[v] = 1;
      this.boostRanMs[v] = 0;
    }
  }

  block(v: number): void {
    this.runnable[v] = 0;
    this.boosted[v] = 0;
    if (this.current === v) this.current = -1;
  }

  private priority(v: number): number {
    if (this.boosted[v]) return BOOST;
    return this.credit[v] > EPS ? UNDER : OVER;
  }

  pick(nowMs: number): number {
    let best = -1;
    for (let v = 0; v < this.n; v++) {
      if (!this.runnable[v] || this.parked[v]) continue;
      if (best < 0) best = v;
      else {
        const pv = this.priority(v);
        const pb = this.priority(best);
        if (pv > pb || (pv === pb && this.queuedAt[v] < this.queuedAt[best])) best = v;
      }
    }
    const cur = this.current;
    if (best < 0) {
      this.current = -1;
      return -1;
    }
    const keep =
      cur >= 0 && this.runnable[cur] && !this.parked[cur] && this.sliceLeft > EPS && this.priority(cur) >= this.priority(best);
    if (keep) return cur;
    if (cur >= 0 && this.runnable[cur]) this.queuedAt[cur] = nowMs; // preempted or slice over: back of the queue
    this.current = best;
    this.sliceLeft = TSLICE_MS;
    return best;
  }

  budgetMs(v: number, rate: number): number {
    let budget = this.sliceLeft;
    // reconsider when the credit runs out: the vCPU turns OVER, or, capped, gets parked
    const credit = this.credit[v];
    if (credit > EPS) budget = Math.min(budget, credit / (CREDITS_PER_MS * this.debitRate(rate)));
    if (this.boosted[v]) budget = Math.min(budget, TICK_MS - this.boostRanMs[v]);
    return budget;
  }

  charge(v: number, ms: number, rate: number, nowMs: number): void {
    this.credit[v] -= ms * CREDITS_PER_MS * this.debitRate(rate);
    this.ranInPeriod[v] = 1;
    this.sliceLeft -= ms;
    if (this.boosted[v]) {
      this.boostRanMs[v] += ms;
      if (this.boostRanMs[v] >= TICK_MS - EPS) this.boosted[v] = 0;
    }
    if (this.capCredits[v] !== Infinity && this.credit[v] <= EPS) {
      this.parked[v] = 1;
      this.boosted[v] = 0;
    }
    if (this.sliceLeft <= EPS && this.current === v) {
      this.queuedAt[v] = nowMs;
      this.current = -1;
    }
  }

  private debitRate(rate: number): number {
    return this.dvfsAware ? rate : 1;
  }
}
