// Xen's credit2 scheduler (xen/common/sched/credit2.c), the default since Xen 4.12, with one run queue per
// physical CPU (the `credit2_runqueue=cpu` option; pinned vCPUs make the run queue's span immaterial except
// for whom a credit reset reaches):
// - credit is time: a vCPU starts with CSCHED2_CREDIT_INIT = 10 ms and burns it at max_weight / weight of
//   its run time (t2c_update), so a heavier vCPU's credit lasts longer;
// - the runnable vCPU with the most credit runs (runq_candidate); it runs until its credit would fall to
//   that of the best waiting vCPU, within [CSCHED2_MIN_TIMER = 0.5 ms, CSCHED2_MAX_TIMER = 10 ms] and at
//   least to the end of the 1 ms rate limit (csched2_runtime);
// - when the vCPU chosen, and the best waiting one, have no credit left (≤ CSCHED2_CREDIT_RESET = 0), every
//   vCPU of the run queue, blocked or not, gets 10 ms more, clipped to 10 ms + CSCHED2_CARRYOVER_MAX
//   (0.5 ms): reset_credit, the end of an epoch;
// - a waking vCPU with more credit than the running one preempts it, unless that one has run less than
//   the rate limit (tickle_score, is_preemptable); credit2 has no BOOST;
// - caps are budgets: a capped domain gets cap × CSCHED2_BDGT_REPL_PERIOD (10 ms) of run time per period,
//   replenished to at most that every period (replenish_domain_budget); a vCPU that finds no budget is
//   parked until the next replenishment, which puts it back on the run queue and tickles as a wake-up
//   does (unpark_parked_units → runq_tickle); an overrun (the minimum run time past the budget) is paid from
//   the next period's budget.
import type { SchedVcpu, VcpuScheduler } from './scheduler.ts';
import { EPS } from './scheduler.ts';

const CREDIT_INIT_MS = 10;
const CARRYOVER_MAX_MS = 0.5;
const MIN_TIMER_MS = 0.5;
const MAX_TIMER_MS = CREDIT_INIT_MS;
const RATELIMIT_MS = 1;
const BUDGET_PERIOD_MS = 10;

export class Credit2Scheduler implements VcpuScheduler {
  private readonly n: number;
  /** max_weight / weight: credit burnt per ms run */
  private readonly burnRate: Float64Array;
  /** cap × period, ms of run time; Infinity when uncapped */
  private readonly totBudget: Float64Array;
  private readonly budget: Float64Array;
  private readonly credit: Float64Array;
  private readonly runnable: Uint8Array;
  private current = -1;
  private ranSinceSwitch = 0;
  /**
   * what the current vCPU may still be charged before csched2_runtime's timer fires and the scheduler chooses
   * again: run time, or f_max-equivalent run time when DVFS-aware (credit and budget are both charged so)
   */
  private timerLeft = 0;
  private tickled = false;

  constructor(
    vcpus: readonly SchedVcpu[],
    private readonly dvfsAware: boolean,
  ) {
    this.n = vcpus.length;
    const maxWeight = vcpus.reduce((m, v) => Math.max(m, v.weight), 0);
    this.burnRate = Float64Array.from(vcpus, (v) => maxWeight / v.weight);
    this.totBudget = Float64Array.from(vcpus, (v) => (v.cap === null ? Infinity : v.cap * BUDGET_PERIOD_MS));
    this.budget = Float64Array.from(this.totBudget);
    this.credit = new Float64Array(this.n).fill(CREDIT_INIT_MS);
    this.runnable = new Uint8Array(this.n);
  }

  tick(nowMs: number): void {
    if (nowMs % BUDGET_PERIOD_MS !== 0 || nowMs === 0) return;
    for (let v = 0; v < this.n; v++) {
      if (this.totBudget[v] === Infinity) continue;
      const parked = this.budget[v] <= EPS;
      this.budget[v] = Math.min(this.budget[v] + this.totBudget[v], this.totBudget[v]);
      // unpark_parked_units puts a runnable parked vCPU back on the run queue and tickles, as a wake-up does
      if (parked && this.runnable[v] === 1) this.tickle(v);
    }
  }

  wake(v: number, _nowMs: number): void {
    this.runnable[v] = 1;
    this.tickle(v);
  }

  /** runq_tickle on this vCPU's own CPU: it preempts the running vCPU if it has more credit */
  private tickle(v: number): void {
    const cur = this.current;
    if (cur >= 0 && cur !== v && this.ranSinceSwitch >= RATELIMIT_MS - EPS && this.credit[v] > this.credit[cur]) this.tickled = true;
  }

  block(v: number): void {
    this.runnable[v] = 0;
    if (this.current === v) this.current = -1;
  }

  private eligible(v: number): boolean {
    return this.runnable[v] === 1 && this.budget[v] > EPS;
  }

  /** the waiting vCPU with the most credit (first in index order on a tie: the run queue is FIFO among equals) */
  private bestWaiting(except: number): number {
    let best = -1;
    for (let v = 0; v < this.n; v++) {
      if (v !== except && this.eligible(v) && (best < 0 || this.credit[v] > this.credit[best])) best = v;
    }
    return best;
  }

  pick(_nowMs: number): number {
    const cur = this.current;
    const curOk = cur >= 0 && this.eligible(cur);
    if (curOk && !this.tickled && this.timerLeft > EPS) return cur;
    this.tickled = false;
    let next: number;
    if (curOk && this.ranSinceSwitch < RATELIMIT_MS - EPS) next = cur;
    else {
      const waiting = this.bestWaiting(cur);
      next = curOk && (waiting < 0 || this.credit[waiting] <= this.credit[cur]) ? cur : waiting;
    }
    if (next < 0) {
      this.current = -1;
      return -1;
    }
    const waiting = this.bestWaiting(next);
    const top = waiting < 0 ? this.credit[next] : Math.max(this.credit[next], this.credit[waiting]);
    if (top <= 0) this.resetCredit(next);
    if (next !== cur) this.ranSinceSwitch = 0;
    this.current = next;
    this.timerLeft = this.runtime(next, waiting);
    return next;
  }

  private resetCredit(next: number): void {
    const reset = this.credit[next] <= -CREDIT_INIT_MS + EPS ? 2 * CREDIT_INIT_MS : CREDIT_INIT_MS;
    for (let v = 0; v < this.n; v++) this.credit[v] = Math.min(this.credit[v] + reset, CREDIT_INIT_MS + CARRYOVER_MAX_MS);
  }

  /** csched2_runtime: until `v`'s credit meets the best waiting vCPU's, within the timer bounds and budget */
  private runtime(v: number, waiting: number): number {
    const waitCredit = waiting >= 0 && this.credit[waiting] > 0 ? this.credit[waiting] : 0;
    const rtCredit = this.credit[v] - waitCredit;
    let time = rtCredit > 0 ? rtCredit / this.burnRate[v] : 0;
    time = Math.min(time, this.budget[v]);
    const minTime = Math.max(MIN_TIMER_MS, RATELIMIT_MS - this.ranSinceSwitch);
    return Math.min(Math.max(time, minTime), MAX_TIMER_MS);
  }

  setCap(v: number, cap: number | null): void {
    const tot = cap === null ? Infinity : cap * BUDGET_PERIOD_MS;
    if (tot === this.totBudget[v]) return;
    // a domain given a cap starts with a full period's budget (csched2_dom_cntl); a smaller one clips what is
    // left; without one it is never parked
    if (tot === Infinity || this.totBudget[v] === Infinity) this.budget[v] = tot;
    else this.budget[v] = Math.min(this.budget[v], tot);
    this.totBudget[v] = tot;
  }

  budgetMs(_v: number, rate: number): number {
    return this.timerLeft / this.scale(rate);
  }

  charge(v: number, ms: number, rate: number, _nowMs: number): void {
    const charged = ms * this.scale(rate);
    this.credit[v] = Math.max(this.credit[v] - charged * this.burnRate[v], -CREDIT_INIT_MS);
    if (this.totBudget[v] !== Infinity) this.budget[v] -= charged;
    this.timerLeft -= charged;
    this.ranSinceSwitch += ms;
  }

  private scale(rate: number): number {
    return this.dvfsAware ? rate : 1;
  }
}
