// Xen's credit scheduler, credit1 (xen/common/sched/credit.c), for vCPUs pinned one run queue per physical
// CPU, with the accounting global as Xen has it:
// - csched_acct, every 30 ms time slice, shares ncpus × 300 credits (CSCHED_CREDITS_PER_MSEC = 10) among the
//   vCPUs on the *active list*, by weight; a vCPU earns at most one period's worth (credit_peak), a capped
//   one at most cap × 300; what the peak cuts off goes to the vCPUs after it (credit_total grows by the
//   surplus); a negative system-wide balance is paid back next period;
// - at accounting, credit < 0 makes a vCPU OVER, else UNDER; a capped vCPU with credit < −(cap credits) is
//   parked (not run even on an idle CPU) until accounting finds its credit ≥ 0 again; credit is clamped to
//   −300; a vCPU with credit > 300 leaves the active list and its credit is halved — a mostly idle vCPU
//   therefore stops taking a weight share of the credits;
// - a vCPU joins the active list when the 10 ms tick (csched_tick → csched_unit_acct) finds it running; the
//   same tick ends BOOST (a waking UNDER vCPU's priority);
// - burn_credits debits by time stamps (10 credits per ms run) and changes no priority: that happens at
//   accounting only;
// - priorities BOOST > UNDER > OVER, round robin within one (a descheduled vCPU goes to the back of its
//   priority); a waking vCPU of higher priority than the running one preempts it (__runq_tickle), but
//   the 1 ms rate limit (sched_ratelimit_us = 1000) keeps a vCPU that has run less than that.
// Credits are kept as real numbers: Xen's integer rounding (the `+ weight_total − 1` ceilings) is below a
// credit per period.
import type { SchedVcpu, VcpuScheduler } from './scheduler.ts';
import { EPS } from './scheduler.ts';

const CREDITS_PER_MS = 10;
const TICK_MS = 10;
const TSLICE_MS = 30;
const CREDITS_PER_TSLICE = CREDITS_PER_MS * TSLICE_MS;
const RATELIMIT_MS = 1;
const BOOST = 0;
const UNDER = -1;
const OVER = -2;

/** csched_private: the state csched_acct shares across all physical CPUs */
export class Credit1Accounting {
  readonly credit: Float64Array;
  readonly pri: Int8Array;
  readonly parked: Uint8Array;
  private readonly active: Uint8Array;
  private readonly weight: Float64Array;
  /** cap × 300 credits; 0 when uncapped (Xen's cap 0 means none) */
  private readonly capCredits: Float64Array;
  /** prv->weight: sum of the active vCPUs' weights */
  private weightTotal = 0;
  private creditBalance = 0;
  private lastAcctMs = -1;

  constructor(
    vcpus: readonly SchedVcpu[],
    private readonly cpus: number,
  ) {
    const n = vcpus.length;
    this.credit = new Float64Array(n);
    this.pri = new Int8Array(n).fill(UNDER);
    this.parked = new Uint8Array(n);
    this.active = new Uint8Array(n);
    this.weight = Float64Array.from(vcpus, (v) => v.weight);
    this.capCredits = Float64Array.from(vcpus, (v) => (v.cap === null ? 0 : v.cap * CREDITS_PER_TSLICE));
  }

  /** csched_dom_cntl: the new cap counts from the next accounting; lifting it unparks at once */
  setCap(v: number, cap: number | null): void {
    this.capCredits[v] = cap === null ? 0 : cap * CREDITS_PER_TSLICE;
    if (cap === null) this.parked[v] = 0;
  }

  /** __csched_unit_acct_start */
  activate(v: number): void {
    if (this.active[v]) return;
    this.active[v] = 1;
    this.weightTotal += this.weight[v];
  }

  /** csched_acct, once per time slice whichever CPU's tick gets here first */
  account(nowMs: number): void {
    if (nowMs % TSLICE_MS !== 0 || nowMs === this.lastAcctMs) return;
    this.lastAcctMs = nowMs;
    const weightTotal = this.weightTotal;
    let creditTotal = this.cpus * CREDITS_PER_TSLICE;
    if (this.creditBalance < 0) creditTotal -= this.creditBalance;
    if (weightTotal === 0) {
      this.creditBalance = 0;
      return;
    }
    let weightLeft = weightTotal;
    let balance = 0;
    for (let v = 0; v < this.credit.length; v++) {
      if (!this.active[v]) continue;
      const w = this.weight[v];
      weightLeft -= w;
      let peak = CREDITS_PER_TSLICE;
      if (this.creditBalance < 0) peak += (-this.creditBalance * w) / weightTotal;
      const cap = this.capCredits[v];
      if (cap > 0 && cap < peak) peak = cap;
      let fair = (creditTotal * w) / weightTotal;
      if (fair >= peak) {
        // give the vCPUs after this one a chance at what the peak cut off
        if (weightLeft > EPS) creditTotal += ((fair - peak) * weightTotal) / weightLeft;
        fair = peak;
      }
      let credit = this.credit[v] + fair;
      if (credit < 0) {
        this.pri[v] = OVER;
        if (cap > 0 && credit < -cap) this.parked[v] = 1;
        if (credit < -CREDITS_PER_TSLICE) credit = -CREDITS_PER_TSLICE;
      } else {
        this.pri[v] = UNDER;
        this.parked[v] = 0;
        if (credit > CREDITS_PER_TSLICE) {
          // it stops earning; halved, so that it starts "a little bit ahead" when it is active again
          this.active[v] = 0;
          this.weightTotal -= w;
          credit /= 2;
        }
      }
      this.credit[v] = credit;
      balance += credit;
    }
    this.creditBalance = balance;
  }
}

/** one physical CPU's run queue; `ids` maps its local vCPU indices to the accounting's global ones */
export class Credit1Scheduler implements VcpuScheduler {
  private readonly n: number;
  private readonly runnable: Uint8Array;
  private readonly queuedAt: Float64Array;
  private current = -1;
  private sliceLeft = 0;
  /** run time since the current vCPU was switched in (its state_entry_time), for the rate limit */
  private ranSinceSwitch = 0;
  /** a waking vCPU outranks the running one: reschedule at the next decision */
  private tickled = false;
  /** the rate limit kept the current vCPU: reconsider when it has run RATELIMIT_MS */
  private rateLimited = false;

  constructor(
    private readonly acct: Credit1Accounting,
    private readonly ids: readonly number[],
    private readonly dvfsAware: boolean,
  ) {
    this.n = ids.length;
    this.runnable = new Uint8Array(this.n);
    this.queuedAt = new Float64Array(this.n);
  }

  tick(nowMs: number): void {
    this.acct.account(nowMs);
    if (nowMs % TICK_MS !== 0) return;
    // csched_tick → csched_unit_acct for the vCPU found running
    const cur = this.current;
    if (cur < 0 || !this.runnable[cur]) return;
    const g = this.ids[cur];
    if (this.acct.pri[g] === BOOST) this.acct.pri[g] = UNDER;
    this.acct.activate(g);
  }

  wake(v: number, nowMs: number): void {
    this.runnable[v] = 1;
    this.queuedAt[v] = nowMs;
    const g = this.ids[v];
    if (this.acct.pri[g] === UNDER && !this.acct.parked[g]) this.acct.pri[g] = BOOST;
    const cur = this.current;
    if (cur >= 0 && this.runnable[cur] && this.acct.pri[g] > this.acct.pri[this.ids[cur]]) this.tickled = true;
  }

  block(v: number): void {
    this.runnable[v] = 0;
    if (this.current === v) this.current = -1;
  }

  private eligible(v: number): boolean {
    return this.runnable[v] === 1 && this.acct.parked[this.ids[v]] === 0;
  }

  pick(nowMs: number): number {
    const cur = this.current;
    const curOk = cur >= 0 && this.eligible(cur);
    this.rateLimited = false;
    if (curOk && !this.tickled && this.sliceLeft > EPS) return cur;
    if (curOk && this.ranSinceSwitch < RATELIMIT_MS - EPS) {
      this.rateLimited = true;
      return cur;
    }
    this.tickled = false;
    if (curOk) this.queuedAt[cur] = nowMs; // __runq_insert: behind every vCPU of its priority
    let best = -1;
    for (let v = 0; v < this.n; v++) {
      if (!this.eligible(v)) continue;
      if (best < 0) best = v;
      else {
        const pv = this.acct.pri[this.ids[v]];
        const pb = this.acct.pri[this.ids[best]];
        if (pv > pb || (pv === pb && this.queuedAt[v] < this.queuedAt[best])) best = v;
      }
    }
    if (best !== cur) this.ranSinceSwitch = 0;
    this.current = best;
    this.sliceLeft = TSLICE_MS;
    return best;
  }

  setCap(v: number, cap: number | null): void {
    this.acct.setCap(this.ids[v], cap);
  }

  budgetMs(_v: number, _rate: number): number {
    return this.rateLimited ? RATELIMIT_MS - this.ranSinceSwitch : this.sliceLeft;
  }

  charge(v: number, ms: number, rate: number, _nowMs: number): void {
    this.acct.credit[this.ids[v]] -= ms * CREDITS_PER_MS * (this.dvfsAware ? rate : 1);
    this.sliceLeft -= ms;
    this.ranSinceSwitch += ms;
  }
}
