import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults, type CompareOptions } from '../../../harness/compare/compare.ts';
import { benchmarkActionEntries } from '../../../harness/compare/export-benchmark-action.ts';
import { formatMarkdown } from '../../../harness/compare/format-md.ts';
import { formatText } from '../../../harness/compare/format-text.ts';
import { powerLabel } from '../../../harness/compare/match.ts';
import { parseMetricRules } from '../../../harness/compare/select.ts';
import { verdict } from '../../../harness/compare/verdict.ts';
import { buildResults } from '../../fixtures/results.ts';
import { findPowerRun, withPower } from './helpers.ts';

const options = (rules: string[] | null = null, over: Partial<CompareOptions> = {}): CompareOptions => ({
  baseName: 'base.json',
  headName: 'head.json',
  selection: { rules: rules === null ? null : parseMetricRules(rules, 5), defaultThresholdPct: 5 },
  force: false,
  ...over,
});

const BUSY = 'power.hagimont-capped.xen.dvfs-aware-credits.vm.busy.deliveredOfBookedPct';

function busy(results: ReturnType<typeof buildResults>) {
  return findPowerRun(results, 'hagimont-capped', 'xen', 'dvfs-aware-credits').vms.find((v) => v.vm === 'busy')!;
}

test('identical power sections: every power row ok, 12 power runs compared, exit 0', () => {
  const c = compareResults(withPower(buildResults()), withPower(buildResults()), options());
  assert.equal(c.power.presence, 'both');
  assert.equal(c.power.runsCompared, 12);
  // 6 run totals + 2 shares × 4 VMs per power run
  assert.equal(c.power.rows.length, 12 * 14);
  assert.ok(c.power.rows.every((r) => r.status === 'ok'));
  assert.equal(verdict(c, 'any-change').exitCode, 0);
  assert.match(verdict(c, 'regression').line, /^✅ no regression: \d+ metrics across 24 runs and 12 power runs within threshold$/);
});

test("the busy VM's deliveredOfBookedPct −10 % is a regression (lower is worse), first in the power table", () => {
  const head = withPower(buildResults());
  busy(head).deliveredOfBookedPct *= 0.9;
  const c = compareResults(withPower(buildResults()), head, options());
  const first = c.power.rows[0];
  assert.equal(first.metric, BUSY);
  assert.equal(first.status, 'regression');
  assert.ok(Math.abs((first.deltaPct ?? 0) + 10) < 1e-9 && Math.abs((first.judged ?? 0) - 10) < 1e-9, 'judged is the worsening, positive');
  assert.ok(c.power.rows.slice(1).every((r) => r.status === 'ok'));
  const v = verdict(c, 'regression');
  assert.equal(v.exitCode, 1);
  assert.match(v.line, /^❌ 1 regression in 1 run \(worst: hagimont-capped · xen · dvfs-aware-credits vm\.busy\.deliveredOfBookedPct -10\.0 %\)$/);
  const md = formatMarkdown(c, v);
  const powerTable = md.slice(md.indexOf('#### Power management'));
  const firstRow = powerTable.split('\n').find((l) => l.startsWith('| ❌') || l.startsWith('| ⚠️'));
  assert.match(firstRow ?? '', /^\| ❌ \| hagimont-capped · xen · dvfs-aware-credits \| `vm\.busy\.deliveredOfBookedPct` \| \d+\.\d\d % \| \d+\.\d\d % \| -\d+\.\d\d pp \| -10\.0 % \| -5 % \|/);
});

test('the busy VM getting more of its booking is a change, not a regression', () => {
  const head = withPower(buildResults());
  busy(head).deliveredOfBookedPct *= 1.1;
  const c = compareResults(withPower(buildResults()), head, options());
  assert.deepEqual(c.power.rows.filter((r) => r.status !== 'ok').map((r) => [r.metric, r.status]), [[BUSY, 'changed']]);
  assert.equal(verdict(c, 'regression').exitCode, 0);
});

test('+10 % energy is a regression; −10 % energy is an improvement', () => {
  const worse = withPower(buildResults());
  findPowerRun(worse, 'hagimont-capped', 'kvm', 'host-only').energyJ *= 1.1;
  const c = compareResults(withPower(buildResults()), worse, options());
  assert.equal(c.power.rows[0].metric, 'power.hagimont-capped.kvm.host-only.energyJ');
  assert.equal(c.power.rows[0].status, 'regression');
  assert.equal(c.power.rows[0].unit, 'J');
  assert.equal(verdict(c, 'regression').exitCode, 1);
  const better = withPower(buildResults());
  findPowerRun(better, 'hagimont-capped', 'kvm', 'host-only').energyJ *= 0.9;
  const b = compareResults(withPower(buildResults()), better, options());
  assert.equal(b.power.rows[0].status, 'changed');
  assert.equal(verdict(b, 'regression').exitCode, 0);
});

test('fairness: a rise is not a regression; a drop is judged in points of the index × 100, not relative', () => {
  const base = withPower(buildResults());
  const head = withPower(buildResults());
  const run = (r: typeof base) => findPowerRun(r, 'hagimont-capped', 'xen', 'host-only');
  run(base).fairness = 0.5;
  run(head).fairness = 0.6;
  const rise = compareResults(base, head, options()).power.rows[0];
  assert.deepEqual([rise.metric, rise.status], ['power.hagimont-capped.xen.host-only.fairness', 'changed']);
  // 0.50 → 0.47: −6 % relative, but −3 points: within a 5-point threshold
  run(head).fairness = 0.47;
  const drop = compareResults(base, head, options()).power.rows[0];
  assert.equal(drop.status, 'changed');
  assert.ok(Math.abs((drop.judged ?? 0) - 3) < 1e-9);
  assert.ok(Math.abs((drop.deltaPct ?? 0) + 6) < 1e-9);
  // …and over a 2-point one
  const strict = compareResults(base, head, options(['counters=5%', 'power.hagimont-capped.xen.host-only.fairness=2%'])).power.rows[0];
  assert.equal(strict.status, 'regression');
  assert.match(formatText(compareResults(base, head, options()), verdict(compareResults(base, head, options()), 'regression')), /fairness +0\.5 +0\.47 +-0\.03 +-6\.0 % +-5 pp/);
});

test('power only in HEAD: said in a warning, its runs listed as added, nothing judged, no failure', () => {
  const c = compareResults(buildResults(), withPower(buildResults()), options());
  assert.equal(c.power.presence, 'head-only');
  assert.equal(c.power.added.length, 12);
  assert.deepEqual(c.power.rows, []);
  assert.match(c.warnings.join('\n'), /power section only in HEAD \(head\.json\): its 12 power runs are listed as added, not compared/);
  const v = verdict(c, 'regression');
  assert.equal(v.exitCode, 0);
  assert.match(v.line, /12 power runs added/);
  assert.equal(verdict(c, 'any-change').exitCode, 1);
  assert.match(formatText(c, v), /added power run \(only in HEAD\): hagimont-capped · xen · performance/);
  const back = compareResults(withPower(buildResults()), buildResults(), options());
  assert.deepEqual([back.power.presence, back.power.removed.length], ['base-only', 12]);
});

test('power runs are matched by (scenario, design, policy): one only in HEAD is added, one only in BASE removed', () => {
  const base = withPower(buildResults());
  const head = withPower(buildResults());
  base.power!.runs = base.power!.runs.filter((r) => !(r.design === 'kvm' && r.policy === 'powersave'));
  head.power!.runs = head.power!.runs.filter((r) => !(r.design === 'xen' && r.policy === 'soft-pstates'));
  const c = compareResults(base, head, options());
  assert.deepEqual(c.power.added.map(powerLabel), ['hagimont-capped · kvm · powersave']);
  assert.deepEqual(c.power.removed.map(powerLabel), ['hagimont-capped · xen · soft-pstates']);
  assert.equal(c.power.runsCompared, 10);
  assert.ok(c.power.rows.every((r) => r.status === 'ok'));
  const dup = withPower(buildResults());
  dup.power!.runs.push(dup.power!.runs[0]);
  assert.throws(() => compareResults(base, dup, options()), /head\.json: power run hagimont-capped · xen · performance appears twice/);
});

test('--metric: power.* selects only power metrics; counters includes them; timing does not', () => {
  const both = [withPower(buildResults()), withPower(buildResults())] as const;
  const power = compareResults(...both, options(['power.*=0%']));
  assert.deepEqual([power.rows.length, power.power.rows.length], [0, 168]);
  const counters = compareResults(...both, options(['counters=0%']));
  assert.equal(counters.power.rows.length, 168);
  assert.ok(counters.rows.length > 0);
  const timing = compareResults(...both, options(['timing.meanMs']));
  assert.equal(timing.power.rows.length, 0);
  const vmShares = compareResults(...both, options(['power.hagimont-capped.kvm.performance.vm.*']));
  assert.deepEqual(new Set(vmShares.power.rows.map((r) => r.metric.split('.').slice(-3).join('.'))).size, 8);
  assert.throws(() => parseMetricRules(['power.hagimont-capped.xen.host-only.watts'], 5), /unknown metric/);
  assert.deepEqual(parseMetricRules([BUSY], 5), [{ pattern: BUSY, thresholdPct: 5 }]);
});

test('github-action-benchmark export: power energy by default; only smaller-is-better power metrics when selected', () => {
  const results = withPower(buildResults());
  const names = (rules: string[] | null) => benchmarkActionEntries(results, options(rules).selection).map((e) => e.name).filter((n) => n.startsWith('power '));
  const headline = names(null);
  assert.equal(headline.length, 12);
  assert.ok(headline.every((n) => n.endsWith(' energyJ')));
  assert.ok(headline.includes('power hagimont-capped · xen · dvfs-aware-credits energyJ'));
  const all = names(['power.*']);
  const tails = new Set(all.map((n) => n.split(' ').pop()));
  assert.deepEqual(tails, new Set(['energyJ', 'avgPowerW', 'transitions', 'guestRequests', 'slaMisses']));
  const energy = benchmarkActionEntries(results, options(null).selection).find((e) => e.name === 'power hagimont-capped · kvm · performance energyJ');
  assert.equal(energy?.unit, 'J');
  assert.equal(energy?.value, findPowerRun(results, 'hagimont-capped', 'kvm', 'performance').energyJ);
});
