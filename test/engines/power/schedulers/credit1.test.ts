import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Credit1Accounting, Credit1Scheduler } from '../../../../engines/power/schedulers/credit1.ts';
import type { SchedVcpu } from '../../../../engines/power/schedulers/scheduler.ts';
import { drive, type Demand } from './drive.ts';

function oneCpu(specs: SchedVcpu[]) {
  return new Credit1Scheduler(new Credit1Accounting(specs, 1), specs.map((_, i) => i), false);
}

test('credit1 parks a capped vCPU only at accounting time, below −cap credits, and unparks it when its credit is ≥ 0', () => {
  // Alone, capped at 0.5 (150 credits a period), running burns 300 a period. It wakes at 0 and the 10 ms
  // tick makes it active. Accounting at 30: −300 + 150 = −150, not below −150: runs on (OVER). At 60:
  // −150 − 300 + 150 = −300 < −150: parked. At 90: −150, still parked; at 120: 0 ≥ 0: unparked. So it runs
  // [0, 60), is parked [60, 120), and repeats: 60 ms of each 120 ms.
  const { bins } = drive(oneCpu([{ weight: 256, cap: 0.5 }]), [{ kind: 'busy' }], 480, 1, 60);
  assert.deepEqual(bins[0].map((x) => Math.round(x * 1e6) / 1e6), [60, 0, 60, 0, 60, 0, 60, 0]);
});

test('credit1: an idle vCPU above one period of credit leaves the active list with its credit halved', () => {
  // Two active vCPUs on one CPU that never run: 300 credits a period, 150 each. After 30: 150; after 60:
  // 300 (not above 300); after 90: 450 > 300, so each leaves the list at 225. After 120 nobody is
  // active and nothing changes.
  const acct = new Credit1Accounting([{ weight: 256, cap: null }, { weight: 256, cap: null }], 1);
  acct.activate(0);
  acct.activate(1);
  const seen: number[] = [];
  for (const t of [30, 60, 90, 120]) {
    acct.account(t);
    seen.push(acct.credit[0]);
  }
  assert.deepEqual(seen, [150, 300, 225, 225]);
});

test('credit1: BOOST ends at the next 10 ms tick; only a higher priority preempts', () => {
  // A busy vCPU wakes at 0 and is BOOSTed until the tick at 10 finds it running. A second vCPU waking at
  // 5 ms is BOOST too — not higher — so it waits for the 30 ms slice to end. One waking at 12 ms (BOOST
  // against the now-UNDER runner, which has run more than the 1 ms rate limit) runs at once.
  const busy: Demand = { kind: 'busy' };
  const early = drive(oneCpu([{ weight: 256, cap: null }, { weight: 256, cap: null }]), [busy, { kind: 'periodic', periodMs: 1000, offsetMs: 5, workMs: 1 }], 40, 1, 1);
  assert.equal(early.bins[1].findIndex((x) => x > 0), 30);
  const late = drive(oneCpu([{ weight: 256, cap: null }, { weight: 256, cap: null }]), [busy, { kind: 'periodic', periodMs: 1000, offsetMs: 12, workMs: 1 }], 40, 1, 1);
  assert.equal(late.bins[1].findIndex((x) => x > 0), 12);
});

test('credit1: the 1 ms rate limit keeps a just-switched-in vCPU before a BOOSTed waker', () => {
  // A busy; B wakes at 12 for 0.5 ms and preempts A (past BOOST, past the rate limit); A is back at 12.5.
  // C wakes at 13 (BOOST over A's UNDER) but A has run 0.5 ms of the 1 ms limit: C starts at 13.5, so
  // its 1 ms of work splits 0.5 / 0.5 across milliseconds 13 and 14.
  const specs = [{ weight: 256, cap: null }, { weight: 256, cap: null }, { weight: 256, cap: null }];
  const { bins } = drive(
    oneCpu(specs),
    [{ kind: 'busy' }, { kind: 'periodic', periodMs: 1000, offsetMs: 12, workMs: 0.5 }, { kind: 'periodic', periodMs: 1000, offsetMs: 13, workMs: 1 }],
    20,
    1,
    1,
  );
  assert.deepEqual([bins[2][13], bins[2][14]], [0.5, 0.5]);
  assert.equal(bins[0][12], 0.5);
});
