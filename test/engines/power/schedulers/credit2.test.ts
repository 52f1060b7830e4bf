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
