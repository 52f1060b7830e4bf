import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineLabels, findRun, workloadList } from '../../reports/model.ts';
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
