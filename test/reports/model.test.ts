import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OTHER_MECHANISMS, engineLabels, findRun, overheadBreakdown, topMechanismText, workloadList } from '../../reports/model.ts';
import { buildResults } from '../fixtures/results.ts';

test('findRun finds every (workload, engine) run a linear search finds, and nothing else', () => {
  const results = buildResults({ measured: true });
  for (const w of workloadList(results)) {
    for (const e of engineLabels(results)) assert.equal(findRun(results, w.id, e), results.runs.find((r) => r.workload === w.id && r.engine === e), `${w.id} × ${e}`);
  }
  assert.equal(findRun(results, 'no/such', 'xen'), undefined);
});

test('the index follows the file: a run pushed or a runs array replaced after a lookup is found', () => {
  const results = buildResults();
  assert.equal(findRun(results, 'cpu/extra', 'xen'), undefined);
  const extra = { ...results.runs[1], workload: 'cpu/extra' };
  results.runs.push(extra);
  assert.equal(findRun(results, 'cpu/extra', 'xen'), extra);
  results.runs = results.runs.filter((r) => r !== extra);
  assert.equal(findRun(results, 'cpu/extra', 'xen'), undefined);
  // a label only in runs is listed after the declared engines, once
  const labels = engineLabels({ ...results, runs: [...results.runs, { ...results.runs[0], engine: 'zz' }, { ...results.runs[1], engine: 'zz' }] });
  assert.deepEqual(labels, [...results.engines.map((e) => e.label), 'zz']);
});

test('workloadList: declared workloads in order, then ids that only appear in runs, once each', () => {
  const results = buildResults();
  const extra = [{ ...results.runs[0], workload: 'x/only-in-runs' }, { ...results.runs[1], workload: 'x/only-in-runs' }];
  const list = workloadList({ ...results, runs: [...results.runs, ...extra] });
  assert.deepEqual(list.map((w) => w.id), [...results.workloads.map((w) => w.id), 'x/only-in-runs']);
});

test('overheadBreakdown: costs, the rest folded, savings as negative rows; cycles sum to the overhead, percents to 100', () => {
  const run = { ...buildResults().runs[1], overheadAttribution: { a: 300, b: 100, c: -200, d: 50, e: -10, f: 6 } };
  // total 246; two costs (a, b) and two savings (c, e) by name; d + f = 56 folded
  // shares 121.95, 40.65, 22.76, −81.30, −4.07 %: floors 121 + 40 + 22 − 82 − 5 = 96; the four units left go to the
  // largest remainders a .951, e .935, other .764, c .699 → 122, 40, 23, −81, −4
  const breakdown = overheadBreakdown(run, 2);
  assert.ok(breakdown);
  assert.equal(breakdown.total, 246);
  assert.deepEqual(breakdown.rows.map((m) => [m.mechanism, m.cycles, m.pct]), [['a', 300, 122], ['b', 100, 40], [OTHER_MECHANISMS, 56, 23], ['c', -200, -81], ['e', -10, -4]]);
  assert.equal(breakdown.rows.reduce((sum, m) => sum + m.cycles, 0), 246);
  assert.equal(breakdown.rows.reduce((sum, m) => sum + m.pct, 0), 100);
  // one cell: the largest cost with the savings that offset it (−210 / 246 = −85 %)
  assert.equal(topMechanismText(run), 'a 122 % (savings −85 %)');
  // not slower than native: no breakdown
  assert.equal(overheadBreakdown({ ...run, overheadAttribution: { a: -5, b: 3 } }, 2), null);
  assert.equal(topMechanismText({ ...run, overheadAttribution: { a: -5, b: 3 } }), null);
});
