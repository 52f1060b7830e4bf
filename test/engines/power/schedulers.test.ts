import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSchedulers } from '../../../engines/power/schedulers/create.ts';
import type { SchedVcpu } from '../../../engines/power/schedulers/scheduler.ts';
import type { PowerSchedulerId } from '../../../engines/power/types.ts';
import { drive, type Demand } from './schedulers/drive.ts';

/** one CPU with every vCPU on it */
function oneCpu(id: PowerSchedulerId, specs: SchedVcpu[], dvfs = false) {
  return createSchedulers(id, specs, [specs.map((_, i) => i)], dvfs)[0];
}

const busy: Demand = { kind: 'busy' };
/** an idle guest's timer tick: 0.2 ms of work every 10 ms, arriving at 3 ms past each tick */
const idleGuest: Demand = { kind: 'periodic', periodMs: 10, offsetMs: 3, workMs: 0.2 };

for (const id of ['credit2', 'credit', 'cfs'] as const) {
  test(`${id}: weights split a contended CPU proportionally`, () => {
    const { ran } = drive(oneCpu(id, [{ weight: 512, cap: null }, { weight: 256, cap: null }]), [busy, busy], 3000);
    const [a, b] = ran;
    assert.ok(Math.abs(a / (a + b) - 2 / 3) < 0.02, `${a} vs ${b}`);
  });

  test(`${id}: a cap limits a vCPU even on an otherwise idle CPU (time-based)`, () => {
    const { ran } = drive(oneCpu(id, [{ weight: 256, cap: 0.4 }]), [busy], 3000, 0.5);
    assert.ok(Math.abs(ran[0] / 3000 - 0.4) < 0.01, `${ran[0]}`);
  });

  test(`${id}: a cap set while it runs limits from then on, and lifting it gives the whole CPU back`, () => {
    // alone and always runnable: 3000 ms uncapped, then 3000 at cap 0.3 (900 ms), then 3000 uncapped again
    const sched = oneCpu(id, [{ weight: 256, cap: null }]);
    assert.ok(Math.abs(drive(sched, [busy], 3000).ran[0] - 3000) < 1e-6);
    sched.setCap(0, 0.3);
    const capped = drive(sched, [busy], 3000).ran[0];
    assert.ok(Math.abs(capped / 3000 - 0.3) < 0.02, `${capped}`);
    sched.setCap(0, null);
    const lifted = drive(sched, [busy], 3000).ran[0];
    assert.ok(lifted > 3000 * 0.97, `${lifted}`);
  });

  test(`${id}: DVFS-aware, the cap is work at f_max: half speed doubles the time allowed`, () => {
    const { ran } = drive(oneCpu(id, [{ weight: 256, cap: 0.4 }], true), [busy], 3000, 0.5);
    assert.ok(Math.abs(ran[0] / 3000 - 0.8) < 0.01, `${ran[0]}`);
  });

  // The cap is above the 50 % weight share: a scheduler that hands the idle neighbour half the capacity
  // (or lets it count as competing) holds the capped VM near 50 %. The neighbour asks for 0.2 ms per
  // 10 ms = 2 %, so the capped VM can get 90 % and must get at least 85 %.
  test(`${id}: a VM capped at 0.9 beside an idle VM gets its cap, not the weight share`, () => {
    const { ran } = drive(oneCpu(id, [{ weight: 256, cap: 0.9 }, { weight: 256, cap: null }]), [busy, idleGuest], 3000);
    assert.ok(ran[0] / 3000 >= 0.85 && ran[0] / 3000 <= 0.9 + 0.01, `capped VM ran ${ran[0]} ms of 3000`);
    assert.ok(Math.abs(ran[1] - 0.2 * 300) < 1e-6, `the idle neighbour's 300 requests of 0.2 ms all ran: ${ran[1]}`);
  });
}
