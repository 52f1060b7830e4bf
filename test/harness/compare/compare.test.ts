import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../harness/errors.ts';
import { compareResults, type CompareOptions } from '../../../harness/compare/compare.ts';
import { runLabel } from '../../../harness/compare/match.ts';
import { buildResults } from '../../fixtures/results.ts';
import { findRun, noisy, timingOf } from './helpers.ts';

const options = (over: Partial<CompareOptions> = {}): CompareOptions => ({
  baseName: 'base.json',
  headName: 'head.json',
  selection: { rules: null, defaultThresholdPct: 5 },
  force: false,
  ...over,
});
/** timings are judged only when selected: `*` selects every counter and timing.meanMs */
const timed = (over: Partial<CompareOptions> = {}): CompareOptions => options({ selection: { rules: [{ pattern: '*', thresholdPct: 5 }], defaultThresholdPct: 5 }, ...over });

test('identical files: every row ok, nothing added or removed; timings not judged unless selected', () => {
  const c = compareResults(buildResults(), buildResults(), options());
  assert.ok(c.rows.length > 100);
  assert.ok(c.rows.every((r) => r.status === 'ok'));
  assert.ok(c.rows.every((r) => r.metric !== 'timing.meanMs'));
  assert.deepEqual([c.added, c.removed, c.warnings], [[], [], []]);
  assert.equal(c.timingTest, null);
  assert.equal(c.runsCompared, buildResults().runs.length);
  // selected, every run's timing is one family of Welch tests, Holm-corrected
  const t = compareResults(buildResults(), buildResults(), timed());
  const timings = t.rows.filter((r) => r.metric === 'timing.meanMs');
  assert.equal(timings.length, buildResults().runs.length);
  assert.equal(t.timingTest, `Welch's t-test (two-sided), Holm-corrected over ${timings.length} timings, α = 0.01`);
});

test('pure noise across many runs is no regression: Holm keeps the family-wise error at α', () => {
  // noisy(m, 0.32): 12 samples whose offsets square-sum to 6 × 0.32², so s² = 6/11 × 0.1024 = 0.05585 a side.
  // Welch: se = √(2 × 0.05585 / 12) = 0.0965, Δ = 0.32 (+8 %), t = 3.317, df = 22 → p ≈ 0.0031 < 0.01: one such
  // pair alone is a regression. All 24 runs of the fixture moving alike: Holm multiplies the smallest p by 24
  // (≈ 0.075 > 0.01), so none is significant. One genuinely large shift still stands out.
  const onlyTiming = { selection: { rules: [{ pattern: 'timing.meanMs', thresholdPct: 5 }], defaultThresholdPct: 5 } };
  const one = [buildResults(), buildResults()];
  findRun(one[0], 'micro/syscall', 'kvm').timing = timingOf(noisy(4, 0.32));
  findRun(one[1], 'micro/syscall', 'kvm').timing = timingOf(noisy(4.32, 0.32));
  for (const file of one) for (const run of file.runs) if (!(run.workload === 'micro/syscall' && run.engine === 'kvm')) run.timing = null;
  assert.equal(compareResults(one[0], one[1], timed(onlyTiming)).rows[0].status, 'regression');

  const base = buildResults();
  const head = buildResults();
  for (const run of base.runs) run.timing = timingOf(noisy(4, 0.32));
  for (const run of head.runs) run.timing = timingOf(noisy(4.32, 0.32));
  const all = compareResults(base, head, timed(onlyTiming));
  assert.equal(all.rows.length, 24);
  assert.ok(all.rows.every((r) => r.status === 'ok' && /not significant, p = 0\.07\d+ \(Holm, 24 timings\)/.test(r.note ?? '')), all.rows[0].note);
  findRun(head, 'micro/syscall', 'kvm').timing = timingOf(noisy(6, 0.01));
  const real = compareResults(base, head, timed());
  assert.deepEqual(real.rows.filter((r) => r.status === 'regression').map((r) => `${runLabel(r.run)} ${r.metric}`), ['micro/syscall · kvm timing.meanMs']);
});

test('+10 % exits on one run: its rows are regressions and come first', () => {
  const head = buildResults();
  const run = findRun(head, 'memory/fork-exec', 'kvm');
  run.exits.total = Math.round(run.exits.total * 1.1);
  run.exits.byReason.EPT_VIOLATION = run.exits.total;
  const c = compareResults(buildResults(), head, options());
  const regressions = c.rows.filter((r) => r.status === 'regression');
  assert.deepEqual(regressions.map((r) => r.metric).sort(), ['exits.byReason.EPT_VIOLATION', 'exits.total']);
  assert.equal(runLabel(c.rows[0].run), 'memory/fork-exec · kvm');
  assert.equal(c.rows[0].status, 'regression');
  assert.ok(c.rows.slice(2).every((r) => r.status === 'ok'));
});

test('worst first: the larger excess over the threshold sorts before the smaller, changes after regressions', () => {
  const head = buildResults();
  findRun(head, 'micro/cpuid', 'kvm').exits.total *= 1.2;
  findRun(head, 'micro/syscall', 'xen').hypercalls.total *= 1.5;
  findRun(head, 'cpu/compute', 'xen').tlb.misses += 1;
  const c = compareResults(buildResults(), head, options());
  assert.deepEqual(
    c.rows.filter((r) => r.status !== 'ok').map((r) => `${runLabel(r.run)} ${r.metric} ${r.status}`),
    ['micro/syscall · xen hypercalls.total regression', 'micro/cpuid · kvm exits.total regression', 'cpu/compute · xen tlb.misses changed'],
  );
});

test('runs only in one file are listed as added / removed, never an error', () => {
  const base = buildResults();
  const head = buildResults({ measured: true });
  head.runs = head.runs.filter((r) => !(r.workload === 'io/disk-read' && r.engine === 'xen'));
  const c = compareResults(base, head, options());
  assert.deepEqual(c.added, [{ workload: 'micro/cpuid', engine: 'kvm-host' }]);
  assert.deepEqual(c.removed, [{ workload: 'io/disk-read', engine: 'xen' }]);
  // (the fixture's synthetic timings shift when a run is inserted, so only the counters stay identical)
  assert.ok(c.rows.filter((r) => r.metric !== 'timing.meanMs').every((r) => r.status === 'ok'));
});

test('a run that fails in HEAD is a regression; failing in BASE only is a change', () => {
  const c = compareResults(buildResults(), buildResults({ failedRun: true }), options());
  assert.equal(c.rows[0].metric, 'run');
  assert.equal(c.rows[0].status, 'regression');
  assert.match(c.rows[0].note ?? '', /^fails in HEAD: device model crashed/);
  const back = compareResults(buildResults({ failedRun: true }), buildResults(), options());
  assert.equal(back.rows[0].status, 'changed');
  assert.ok(back.rows.every((r) => r.status !== 'regression'));
});

test('noise-only timing differences with overlapping samples are not a regression', () => {
  const base = buildResults();
  const head = buildResults();
  findRun(base, 'micro/syscall', 'kvm').timing = timingOf(noisy(4, 1.2));
  findRun(head, 'micro/syscall', 'kvm').timing = timingOf(noisy(4.3, 1.2)); // +7.5 % in the mean, all noise
  const c = compareResults(base, head, timed());
  assert.ok(c.rows.every((r) => r.status === 'ok'));
});

test('a real timing shift with tight samples is a regression naming the test', () => {
  const base = buildResults();
  const head = buildResults();
  findRun(base, 'micro/syscall', 'kvm').timing = timingOf(noisy(4, 0.02));
  findRun(head, 'micro/syscall', 'kvm').timing = timingOf(noisy(4.6, 0.02));
  const c = compareResults(base, head, timed());
  assert.equal(c.rows[0].metric, 'timing.meanMs');
  assert.equal(c.rows[0].status, 'regression');
  assert.match(c.timingTest ?? '', /Welch's t-test/);
});

test('different profile or seed: one-line UsageError unless --force', () => {
  const other = buildResults();
  other.profile = 'amd-modern';
  assert.throws(
    () => compareResults(buildResults(), other, options()),
    (e: unknown) => e instanceof UsageError && e.message === 'base.json and head.json have different profiles (nehalem-ept vs amd-modern): their results are not comparable (use --force to compare anyway)',
  );
  const seeded = buildResults();
  seeded.seed = 2;
  assert.throws(() => compareResults(buildResults(), seeded, options()), /different seeds \(1 vs 2\)/);
  const forced = compareResults(buildResults(), seeded, options({ force: true }));
  assert.match(forced.warnings[0], /different seeds .*--force/);
});

test('different hosts: counters compared, timings withheld with a warning unless --force', () => {
  const head = buildResults();
  head.host = { ...head.host, cpuModel: 'AMD EPYC 7763' };
  findRun(head, 'micro/syscall', 'kvm').timing = timingOf(noisy(40, 0.02));
  const c = compareResults(buildResults(), head, timed());
  assert.ok(c.rows.every((r) => r.metric !== 'timing.meanMs'));
  assert.ok(c.rows.some((r) => r.metric === 'exits.total'));
  assert.equal(c.timingTest, null);
  assert.match(c.warnings[0], /different hosts .*timing comparisons across hosts are a trap/);
  const forced = compareResults(buildResults(), head, timed({ force: true }));
  assert.equal(forced.rows[0].metric, 'timing.meanMs');
  assert.equal(forced.rows[0].status, 'regression');
  // CI's counters-only comparison against a committed baseline from another machine: nothing to warn about
  const countersOnly = compareResults(buildResults(), head, options({ selection: { rules: [{ pattern: 'counters', thresholdPct: 0 }], defaultThresholdPct: 5 } }));
  assert.deepEqual(countersOnly.warnings, []);
});

test('a counters-only baseline (timings stripped) compares counters and says why timings were skipped', () => {
  const base = buildResults();
  for (const run of base.runs) run.timing = null;
  const c = compareResults(base, buildResults(), timed());
  assert.ok(c.rows.every((r) => r.metric !== 'timing.meanMs'));
  assert.match(c.warnings[0], /24 runs have no timings in one of the files/);
});

test('--metric selection limits the rows to the listed metrics', () => {
  const c = compareResults(buildResults(), buildResults(), options({ selection: { rules: [{ pattern: 'exits.total', thresholdPct: 0 }], defaultThresholdPct: 5 } }));
  assert.deepEqual([...new Set(c.rows.map((r) => r.metric))], ['exits.total']);
});

test('a run listed twice in one file is bad input', () => {
  const head = buildResults();
  head.runs.push(head.runs[0]);
  assert.throws(() => compareResults(buildResults(), head, options()), /head.json: run cpu\/compute · native appears twice/);
});
