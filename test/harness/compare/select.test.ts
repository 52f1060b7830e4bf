import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../harness/errors.ts';
import { parseMetricRules, parseThreshold, thresholdFor } from '../../../harness/compare/select.ts';

test('parseThreshold accepts 5, 5%, 2.5 %; refuses the rest with a one-line UsageError', () => {
  assert.equal(parseThreshold('5', '--threshold'), 5);
  assert.equal(parseThreshold('0%', '--threshold'), 0);
  assert.equal(parseThreshold('2.5 %', '--threshold'), 2.5);
  for (const bad of ['-1', 'five', '5%%', '']) {
    assert.throws(() => parseThreshold(bad, '--threshold'), (e: unknown) => e instanceof UsageError && e.message.startsWith('--threshold: ') && !e.message.includes('\n'));
  }
});

test('--metric: exactly the listed metrics are compared, the most specific entry wins', () => {
  const rules = parseMetricRules(['counters=0%,overheadPct=2%', 'exits.*=1%'], 5);
  const sel = { rules, defaultThresholdPct: 5 };
  assert.equal(thresholdFor(sel, 'overheadPct'), 2);
  assert.equal(thresholdFor(sel, 'exits.total'), 1);
  assert.equal(thresholdFor(sel, 'exits.byReason.CPUID'), 1);
  assert.equal(thresholdFor(sel, 'tlb.flushes.byCause.cr3'), 0);
  // `counters` means the deterministic counters: timing is not compared unless listed
  assert.equal(thresholdFor(sel, 'timing.meanMs'), undefined);
});

test('--metric: a longer group beats a shorter one; an entry without =PCT takes --threshold', () => {
  const sel = { rules: parseMetricRules(['tlb.*=3', 'tlb.flushes.*=1', 'timing.meanMs'], 7), defaultThresholdPct: 7 };
  assert.equal(thresholdFor(sel, 'tlb.misses'), 3);
  assert.equal(thresholdFor(sel, 'tlb.flushes.total'), 1);
  assert.equal(thresholdFor(sel, 'timing.meanMs'), 7);
  assert.equal(thresholdFor(sel, 'exits.total'), undefined);
  const everything = { rules: parseMetricRules(['*=0'], 5), defaultThresholdPct: 5 };
  assert.equal(thresholdFor(everything, 'timing.meanMs'), 0);
});

test('without --metric every deterministic metric is compared at --threshold, wall-clock timing not at all', () => {
  const sel = { rules: null, defaultThresholdPct: 5 };
  assert.equal(thresholdFor(sel, 'events.pageFaults'), 5);
  assert.equal(thresholdFor(sel, 'power.hagimont-capped.xen.dvfs-aware-credits.energyJ'), 5);
  assert.equal(thresholdFor(sel, 'timing.meanMs'), undefined);
});

test('--metric refuses typos instead of silently comparing nothing', () => {
  assert.throws(() => parseMetricRules(['exit.total=0%'], 5), /--metric exit.total: unknown metric/);
  assert.throws(() => parseMetricRules(['tlb.flush.*'], 5), /--metric tlb.flush.\*: unknown group "tlb.flush"/);
  assert.throws(() => parseMetricRules(['exits.total=lots'], 5), /--metric exits.total: "lots" is not a percentage/);
  assert.throws(() => parseMetricRules([' , '], 5), /--metric: no metric given/);
});
