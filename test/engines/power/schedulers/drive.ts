// Drives one CPU's scheduler the way engines/power/simulate.ts does — tick, wake arrivals, then hand out
// each millisecond — for vCPUs whose demand is either "always runnable" or "a short request every period".
import type { VcpuScheduler } from '../../../../engines/power/schedulers/scheduler.ts';

export type Demand = { kind: 'busy' } | { kind: 'periodic'; periodMs: number; offsetMs: number; workMs: number };

/** run `ms` milliseconds at `rate`; returns each vCPU's run time, and per vCPU the run time in each `binMs` bin */
export function drive(sched: VcpuScheduler, demands: readonly Demand[], ms: number, rate = 1, binMs = ms): { ran: number[]; bins: number[][] } {
  const n = demands.length;
  const ran = new Array<number>(n).fill(0);
  const bins = demands.map(() => new Array<number>(Math.ceil(ms / binMs)).fill(0));
  const backlog = new Array<number>(n).fill(0);
  for (let t = 0; t < ms; t++) {
    sched.tick(t);
    for (let v = 0; v < n; v++) {
      const d = demands[v];
      const idle = backlog[v] <= 1e-9;
      if (d.kind === 'busy') backlog[v] = Infinity;
      else if (t % d.periodMs === d.offsetMs) backlog[v] += d.workMs;
      if (idle && backlog[v] > 1e-9) sched.wake(v, t);
    }
    let used = 0;
    while (1 - used > 1e-9) {
      const v = sched.pick(t + used);
      if (v < 0) break;
      const run = Math.min(1 - used, backlog[v] / rate, sched.budgetMs(v, rate));
      used += run;
      backlog[v] -= run * rate;
      sched.charge(v, run, rate, t + used);
      ran[v] += run;
      bins[v][Math.floor(t / binMs)] += run;
      if (backlog[v] <= 1e-9) {
        backlog[v] = 0;
        sched.block(v);
      }
    }
  }
  return { ran, bins };
}
