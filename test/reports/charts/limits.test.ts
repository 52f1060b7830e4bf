import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCharts } from '../../../reports/charts/index.ts';
import { MAX_CHARTS, MAX_CHART_BARS, limitCharts } from '../../../reports/charts/limits.ts';
import { writeOutputs } from '../../../reports/write-outputs.ts';
import type { ResultsFile } from '../../../harness/results.ts';
import type { NamedChart } from '../../../reports/types.ts';
import { buildResults } from '../../fixtures/results.ts';

/** the fixture's cpu/compute workload copied `n` times as cpu/w0 … (native and xen runs each) */
function manyWorkloads(n: number): ResultsFile {
  const r = buildResults();
  const pick = r.runs.filter((x) => x.workload === 'cpu/compute' && (x.engine === 'native' || x.engine === 'xen'));
  const ids = Array.from({ length: n }, (_, i) => `cpu/w${i}`);
  return {
    ...r,
    engines: r.engines.filter((e) => e.label === 'native' || e.label === 'xen'),
    workloads: ids.map((id) => ({ id, category: 'cpu', title: id, description: '' })),
    runs: ids.flatMap((id) => pick.map((run) => ({ ...run, workload: id }))),
  };
}

function bar(id: string, bars: number): NamedChart {
  return { id, title: id, group: 'counters', width: 1000, height: 480, config: { type: 'bar', data: { labels: Array.from({ length: bars }, String), datasets: [{ data: [] }] } } };
}

test(`a chart of more than ${MAX_CHART_BARS} bars is omitted with its reason; ${MAX_CHART_BARS} are drawn`, () => {
  const [drawn, omitted] = limitCharts([bar('a', MAX_CHART_BARS), bar('b', MAX_CHART_BARS + 1)]);
  assert.equal(drawn.omitted, undefined);
  assert.equal(omitted.omitted, `b: not drawn (${MAX_CHART_BARS + 1} bars, more than the ${MAX_CHART_BARS} a chart can show); the tables and results.csv have every value`);
  assert.deepEqual(omitted.config.data, { datasets: [] });
});

test(`only the first ${MAX_CHARTS} drawable charts are drawn; an omitted one does not count`, () => {
  const charts = limitCharts([bar('big', 1000), ...Array.from({ length: MAX_CHARTS + 2 }, (_, i) => bar(`c${i}`, 3))]);
  assert.equal(charts.filter((c) => c.omitted === undefined).length, MAX_CHARTS);
  assert.match(charts.at(-1)!.omitted!, /only the first 40 charts of a report are drawn/);
  assert.equal(charts[MAX_CHARTS].omitted, undefined, 'c39 is the 40th drawable chart');
});

test('a results file of 201 workloads: overhead, category, counter and attribution charts give way to notes; no PNG, no config, no crash', async () => {
  const results = manyWorkloads(MAX_CHART_BARS + 1);
  const charts = buildCharts(results);
  // overhead: 201 workloads; overhead-cpu: 201; attribution-cpu: 201 runs of xen; the counter charts: xen's 201 runs
  // have hypercalls and native+xen have no exits in the fixture's cpu/compute, so exits is absent
  for (const c of charts) assert.ok(c.omitted !== undefined, `${c.id} drawn with ${c.config.data.labels?.length} bars`);
  const dir = mkdtempSync(join(tmpdir(), 'hvbench-limits-'));
  const written = await writeOutputs(results, join(dir, 'out'), { html: true, png: true });
  assert.ok(!written.some((f) => f.startsWith('charts/')), written.join(', '));
  assert.deepEqual(readdirSync(join(dir, 'out', 'charts')), []);
  const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
  assert.match(html, /<p class="muted chart-omitted">Cycles relative to native[^<]*: not drawn \(201 bars, more than the 200 a chart can show\)/);
  assert.ok(!html.includes('id="chart-overhead"'));
});
