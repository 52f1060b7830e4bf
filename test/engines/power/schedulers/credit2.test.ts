import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Credit2Scheduler } from '../../../../engines/power/schedulers/credit2.ts';
import { drive } from './drive.ts';

test('credit2: a cap is a budget of cap × 10 ms per 10 ms period, and the vCPU is parked once it is spent', () => {
  // cap 0.5: 5 ms of budget at 0, 10, 20 …; an always-runnable vCPU alone runs [0, 5), is parked [5, 10)
  const { bins } = drive(new Credit2Scheduler([{ weight: 256, cap: 0.5 }], false), [{ kind: 'busy' }], 40, 1, 5);
  assert.deepEqual(bins[0], [5, 0, 5, 0, 5, 0, 5, 0]);
});

test('credit2: a waking vCPU with more credit preempts the runner at once (no BOOST needed)', () => {
  // A runs alone from 0 with 10 ms of credit and a 10 ms timer; B wakes at 5 with its initial 10 ms
  // against A's 10 − 5 = 5, and A has run past the 1 ms rate limit: B runs 1 ms at 5.
  const { bins } = drive(
    new Credit2Scheduler([{ weight: 256, cap: null }, { weight: 256, cap: null }], false),
    [{ kind: 'busy' }, { kind: 'periodic', periodMs: 1000, offsetMs: 5, workMs: 1 }],
    10,
    1,
    1,
  );
  assert.equal(bins[1][5], 1);
  assert.equal(bins[0][5], 0);
});

test('credit2: a heavier vCPU burns credit slower, so epochs (credit resets) split the CPU by weight', () => {
  // weights 768 : 256 burn 1 : 3 credit per ms; both start each epoch with 10 ms of credit, so per epoch
  // the heavy one runs 10 ms and the light one 10 / 3: a 3 : 1 split
  const { ran } = drive(new Credit2Scheduler([{ weight: 768, cap: null }, { weight: 256, cap: null }], false), [{ kind: 'busy' }, { kind: 'busy' }], 4000);
  assert.ok(Math.abs(ran[0] / (ran[0] + ran[1]) - 0.75) < 0.02, `${ran[0]} vs ${ran[1]}`);
});

test('credit2: the budget replenishment unparks a capped vCPU and tickles, so it preempts a neighbour with less credit', () => {
  // cap 0.3 beside an uncapped always-runnable neighbour, equal weights: the weight share (5 ms of every 10)
  // is above the cap, so the cap binds: 3 ms of budget at 0, 10, 20 …. Each replenishment puts the parked
  // vCPU back with more credit than the neighbour, which has been running since it was parked (past the
  // 1 ms rate limit): it runs at once and uses its whole 3 ms in every period, 30 % of the CPU
  const { ran, bins } = drive(
    new Credit2Scheduler([{ weight: 256, cap: 0.3 }, { weight: 256, cap: null }], false),
    [{ kind: 'busy' }, { kind: 'busy' }],
    1000,
    1,
    10,
  );
  for (const b of bins[0]) assert.ok(Math.abs(b - 3) < 1e-9, `capped vCPU ran ${b} ms in a period`);
  assert.ok(Math.abs(ran[0] + ran[1] - 1000) < 1e-9);
});

test('credit2 DVFS-aware: the budget is f_max-equivalent time, so the scheduler times a slow run to spend all of it', () => {
  // cap 0.2 at half speed beside an uncapped neighbour: the budget of 2 f_max-ms per 10 ms period lasts
  // 2 / 0.5 = 4 ms of run time, below the weight share of 5 ms: 40 % of the CPU's time, 4 ms in every period
  const { ran, bins } = drive(
    new Credit2Scheduler([{ weight: 256, cap: 0.2 }, { weight: 256, cap: null }], true),
    [{ kind: 'busy' }, { kind: 'busy' }],
    1000,
    0.5,
    10,
  );
  for (const b of bins[0]) assert.ok(Math.abs(b - 4) < 1e-9, `capped vCPU ran ${b} ms in a period`);
  assert.ok(Math.abs(ran[0] - 400) < 1e-9);
});

test('credit2 DVFS-aware under a power limit: a CPU slower than f_max cannot hold two 0.5 bookings, and equal weights split the shortfall', () => {
  // cap 0.5 beside an uncapped neighbour at 0.9 f_max: both burn credit at 0.9 per ms, so epochs split the
  // time 50/50; the capped VM's budget of 5 f_max-ms lasts 5.6 ms a period and never binds. Each gets
  // 0.5 × 0.9 = 0.45 f_max: 90 % of a 0.5 booking — the cap's compensation cannot create capacity
  const { ran } = drive(
    new Credit2Scheduler([{ weight: 256, cap: 0.5 }, { weight: 256, cap: null }], true),
    [{ kind: 'busy' }, { kind: 'busy' }],
    1000,
    0.9,
  );
  assert.ok(Math.abs(ran[0] - 500) <= 10, `capped vCPU ran ${ran[0]} ms of 1000`);
});
