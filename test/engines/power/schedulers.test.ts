import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreditScheduler } from '../../../engines/power/schedulers/credit-scheduler.ts';
import { CfsScheduler } from '../../../engines/power/schedulers/cfs.ts';
import type { SchedVcpu, VcpuScheduler } from '../../../engines/power/schedulers/scheduler.ts';

/** always-runnable vCPUs for `ms`; returns each one's run time */
function share(sched: VcpuScheduler, n: number, ms: number, rate = 1): number[] {
  const ran = new Array<number>(n).fill(0);
  for (let v = 0; v < n; v++) sched.wake(v, 0);
  for (let t = 0; t < ms; t++) {
    sched.tick(t);
    let used = 0;
    while (1 - used > 1e-9) {
      const v = sched.pick(t + used);
      if (v < 0) break;
      const run = Math.min(1 - used, sched.budgetMs(v, rate));
      used += run;
      sched.charge(v, run, rate, t + used);
      ran[v] += run;
    }
  }
  return ran;
}

const make = {
  credit: (specs: SchedVcpu[], dvfs = false) => new CreditScheduler(specs, dvfs),
  cfs: (specs: SchedVcpu[], dvfs = false) => new CfsScheduler(specs, dvfs),
};

for (const [name, create] of Object.entries(make)) {
  test(`${name}: weights split a contended CPU proportionally`, () => {
    const [a, b] = share(create([{ weight: 512, cap: null }, { weight: 256, cap: null }]), 2, 3000);
    assert.ok(Math.abs(a / (a + b) - 2 / 3) < 0.02, `${a} vs ${b}`);
  });

  test(`${name}: a cap limits a vCPU even on an otherwise idle CPU (time-based)`, () => {
    const [a] = share(create([{ weight: 256, cap: 0.4 }]), 1, 3000, 0.5);
    assert.ok(Math.abs(a / 3000 - 0.4) < 0.01, `${a}`);
  });

  test(`${name}: DVFS-aware, the cap is work at f_max: half speed doubles the time allowed`, () => {
    const [a] = share(create([{ weight: 256, cap: 0.4 }], true), 1, 3000, 0.5);
    assert.ok(Math.abs(a / 3000 - 0.8) < 0.01, `${a}`);
  });
}
