import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workloadArticle } from '../../../reports/html/drilldown.ts';
import { buildResults } from '../../fixtures/results.ts';
import { findRun } from '../../harness/compare/helpers.ts';

/** the rows of each "why" table in an article: [mechanism text, cycles, percent] */
function whyTables(html: string): string[][][] {
  return [...html.matchAll(/<table class="why">(.*?)<\/table>/g)].map(([, table]) =>
    [...table.matchAll(/<tr[^>]*><td>(.*?)<\/td><td class="num">(.*?)<\/td><td class="num">(.*?)<\/td>/g)].map((m) => [m[1].replace(/<[^>]+>/g, ''), m[2], m[3]]));
}

const number = (text: string) => Number(text.replace(/[, %]/g, '').replace('−', '-'));

test('"why is it slower" adds up: savings are negative rows and the total row is the overhead itself', () => {
  const results = buildResults();
  const run = findRun(results, 'micro/syscall', 'xen');
  // a saving against native beside the costs: 41.2 M + 9 M + 4.2 M − 4.4 M = 50 M over native
  run.overheadAttribution = { ...run.overheadAttribution, 'device-doorbell': -4_400_000 };
  const workload = results.workloads.find((w) => w.id === 'micro/syscall')!;
  const [xen] = whyTables(workloadArticle(results, workload));
  const total = xen[xen.length - 1];
  assert.deepEqual(total, ['Total: the overhead', '50,000,000', '100 %']);
  const rows = xen.slice(0, -1);
  assert.equal(rows.reduce((sum, [, cycles]) => sum + number(cycles), 0), 50_000_000);
  assert.equal(rows.reduce((sum, [, , pct]) => sum + number(pct), 0), 100);
  // syscall-pt-switch 41.2 M is 82.4 % of 50 M; the saving −4.4 M is −8.8 %, shown as a negative row
  assert.deepEqual(rows.find(([m]) => m.startsWith('device-doorbell')), ['device-doorbell (saves against native)', '−4,400,000', '−9 %']);
  assert.equal(rows[0][0], 'syscall-pt-switch');
});
