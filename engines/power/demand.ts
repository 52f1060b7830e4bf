// One VM's side of the simulation: the requests that have arrived and not yet been served (FIFO), what it
// received, when each request finished, and how much it was entitled to per accounting window.
import type { DemandTrace } from './types.ts';
import { EPS } from './schedulers/scheduler.ts';

/** windows over which "entitled = min(booked, asked for)" is evaluated */
export const ENTITLEMENT_WINDOW_MS = 100;

export class VmDemand {
  backlog = 0;
  delivered = 0;
  demand = 0;
  entitled = 0;
  completed = 0;
  slaMisses = 0;
  private nextArrival = 0;
  private head = 0;
  private headLeft: number;
  /** asked for in the current window: backlog carried in + arrivals */
  private offered = 0;
  private readonly latencies: Float64Array;

  constructor(
    private readonly trace: DemandTrace,
    /** booked work per ms (booked share of one CPU at f_max) */
    private readonly bookedPerMs: number,
    private readonly deadlineMs: number | null,
  ) {
    this.headLeft = trace.work.length > 0 ? trace.work[0] : 0;
    this.latencies = new Float64Array(trace.work.length);
  }

  get requests(): number {
    return this.trace.work.length;
  }

  /** admit requests arriving at or before `nowMs`; returns true when the VM was idle and now has work */
  arrive(nowMs: number): boolean {
    const wasIdle = this.backlog <= EPS;
    const { arrivalMs, work } = this.trace;
    while (this.nextArrival < work.length && arrivalMs[this.nextArrival] <= nowMs) {
      this.backlog += work[this.nextArrival];
      this.demand += work[this.nextArrival];
      this.offered += work[this.nextArrival];
      this.nextArrival++;
    }
    return wasIdle && this.backlog > EPS;
  }

  /** when the next request arrives, ms; Infinity after the last */
  nextArrivalMs(): number {
    return this.nextArrival < this.trace.arrivalMs.length ? this.trace.arrivalMs[this.nextArrival] : Infinity;
  }

  /** `amount` of work done from `startMs` at `rate` work per ms; records completions; true when drained */
  serve(amount: number, startMs: number, rate: number): boolean {
    this.delivered += amount;
    this.backlog -= amount;
    const { arrivalMs, work } = this.trace;
    let done = 0;
    while (this.head < work.length && amount - done > EPS) {
      const take = Math.min(this.headLeft, amount - done);
      done += take;
      this.headLeft -= take;
      if (this.headLeft > EPS) break;
      const latency = startMs + done / rate - arrivalMs[this.head];
      this.latencies[this.completed++] = latency;
      if (this.deadlineMs !== null && latency > this.deadlineMs) this.slaMisses++;
      this.head++;
      this.headLeft = this.head < work.length ? work[this.head] : 0;
    }
    if (this.backlog <= EPS) {
      this.backlog = 0;
      return true;
    }
    return false;
  }

  /** close an entitlement window of `lengthMs` */
  closeWindow(lengthMs: number): void {
    this.entitled += Math.min(this.bookedPerMs * lengthMs, this.offered);
    this.offered = this.backlog;
  }

  /** at the end: requests still unfinished whose deadline has passed are misses too */
  finish(endMs: number): void {
    if (this.deadlineMs === null) return;
    const { arrivalMs } = this.trace;
    for (let i = this.head; i < this.nextArrival; i++) if (arrivalMs[i] + this.deadlineMs < endMs) this.slaMisses++;
  }

  p95LatencyMs(): number {
    if (this.completed === 0) return 0;
    const sorted = this.latencies.slice(0, this.completed).sort();
    return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
  }
}
