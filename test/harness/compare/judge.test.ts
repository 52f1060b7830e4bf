import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeCounter, judgeTimings } from '../../../harness/compare/judge.ts';
import type { TimingStats } from '../../../harness/results.ts';

/** one timing comparison on its own: a family of one, so Holm leaves its p as it is */
const judgeTiming = (base: TimingStats, head: TimingStats, thresholdPct: number, alpha: number) => judgeTimings([{ base, head, thresholdPct }], alpha)[0];
import { noisy, timingOf } from './helpers.ts';

test('counters: over the threshold is a regression, a smaller change or a decrease is "changed", equal is ok', () => {
  assert.equal(judgeCounter('exits.total', 1000, 1100, 5).status, 'regression');
  assert.equal(judgeCounter('exits.total', 1000, 1050, 5).status, 'changed');
  assert.equal(judgeCounter('exits.total', 1000, 500, 5).status, 'changed');
  assert.equal(judgeCounter('exits.total', 1000, 1000, 0).status, 'ok');
  // 0 % tolerance: any increase fails
  assert.equal(judgeCounter('exits.total', 1000, 1001, 0).status, 'regression');
  const j = judgeCounter('exits.total', 1000, 1100, 5);
  assert.equal(j.delta, 100);
  assert.ok(Math.abs((j.deltaPct ?? 0) - 10) < 1e-9);
});

test('counters: from a base of zero any increase is +∞ % and a regression', () => {
  const j = judgeCounter('exits.byReason.HLT', 0, 3, 50);
  assert.equal(j.deltaPct, Infinity);
  assert.equal(j.status, 'regression');
});

test('overheadPct is judged in percentage points, not relative', () => {
  // 1.0 % → 1.5 % is +50 % relative but only +0.5 pp: within 2 pp
  const small = judgeCounter('overheadPct', 1.0, 1.5, 2);
  assert.equal(small.status, 'changed');
  assert.equal(small.judged, 0.5);
  assert.equal(small.deltaPct, 50);
  // 40 % → 43 % is +7.5 % relative but +3 pp: over 2 pp
  assert.equal(judgeCounter('overheadPct', 40, 43, 2).status, 'regression');
  assert.equal(judgeCounter('overheadPct', null, 43, 2).status, 'changed');
});

test('timing: overlapping noisy samples are not a regression even when the mean moved past the threshold', () => {
  const base = timingOf(noisy(10, 3));
  const head = timingOf(noisy(10.6, 3)); // +6 %, but the spread is ±3 ms
  const j = judgeTiming(base, head, 5, 0.01);
  assert.ok((j.deltaPct ?? 0) > 5);
  assert.ok(j.test !== undefined && j.test.p > 0.01);
  assert.equal(j.status, 'ok');
  assert.match(j.note ?? '', /not significant, p = /);
});

test('timing: a real shift with tight samples is a regression; a significant speed-up is "changed"', () => {
  const base = timingOf(noisy(10, 0.05));
  const slower = judgeTiming(base, timingOf(noisy(11, 0.05)), 5, 0.01);
  assert.equal(slower.status, 'regression');
  assert.ok(slower.test !== undefined && slower.test.p < 1e-6);
  assert.match(slower.note ?? '', /^significant, p = /);
  assert.equal(judgeTiming(base, timingOf(noisy(9, 0.05)), 5, 0.01).status, 'changed');
  // significant but within the threshold: ok
  assert.equal(judgeTiming(base, timingOf(noisy(10.2, 0.05)), 5, 0.01).status, 'ok');
});

test('timing: with fewer than two samples a side nothing can be claimed', () => {
  const j = judgeTiming(timingOf([10]), timingOf([20]), 5, 0.01);
  assert.equal(j.status, 'ok');
  assert.equal(j.note, 'too few samples to test significance');
});
