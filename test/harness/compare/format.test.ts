import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults } from '../../../harness/compare/compare.ts';
import { formatJson } from '../../../harness/compare/format-json.ts';
import { formatMarkdown } from '../../../harness/compare/format-md.ts';
import { formatText } from '../../../harness/compare/format-text.ts';
import { verdict } from '../../../harness/compare/verdict.ts';
import { buildResults } from '../../fixtures/results.ts';
import { findRun, noisy, timingOf } from './helpers.ts';

function doctored() {
  const base = buildResults();
  const head = buildResults();
  findRun(head, 'micro/cpuid', 'kvm').exits.total = 55_000;
  findRun(head, 'memory/fork-exec', 'xen').overheadPct! += 1;
  findRun(base, 'micro/syscall', 'native').timing = timingOf(noisy(3.5, 1));
  findRun(head, 'micro/syscall', 'native').timing = timingOf(noisy(3.7, 1));
  head.runs = head.runs.filter((r) => !(r.workload === 'io/disk-read' && r.engine === 'kvm'));
  // every counter and, selected by name, the timings
  const selection = { rules: [{ pattern: 'counters', thresholdPct: 5 }, { pattern: 'timing.meanMs', thresholdPct: 5 }], defaultThresholdPct: 5 };
  const c = compareResults(base, head, { baseName: 'base.json', headName: 'head.json', selection, force: false });
  return { c, v: verdict(c, 'regression') };
}

test('text: verdict line, worst row first with base, head, Δ, Δ%, the quiet timing, removed run and the test used', () => {
  const { c, v } = doctored();
  const text = formatText(c, v);
  const lines = text.split('\n');
  assert.equal(lines[2], v.line);
  const header = lines.findIndex((l) => l.includes('Run') && l.includes('Δ%'));
  assert.match(lines[header + 1], /^❌ +micro\/cpuid · kvm +exits\.total +50,000 +55,000 +\+5,000 +\+10\.0 % +5 %$/);
  assert.match(lines[header + 2], /^⚠️ +memory\/fork-exec · xen +overheadPct +.* % +\+1\.00 pp +.* +5 pp$/);
  assert.match(text, /Timings within noise:\n.*\n✅ +micro\/syscall · native +timing\.meanMs .*not significant, p = /);
  assert.match(text, /removed run \(only in BASE\): io\/disk-read · kvm/);
  assert.match(text, /Welch's t-test \(two-sided\), Holm-corrected over 23 timings, α = 0\.01/); // 24 runs, one removed
});

test('markdown: a pull-request comment with a GFM table, worst first, quiet timings folded', () => {
  const { c, v } = doctored();
  const md = formatMarkdown(c, v);
  assert.ok(md.startsWith('### hvbench compare\n\n**❌ 1 regression in 1 run'));
  assert.match(md, /\|  \| Run \| Metric \| Base \| Head \| Δ \| Δ% \| Threshold \| Note \|\n\| --- \| --- \| --- \| ---: \| ---: \| ---: \| ---: \| ---: \| --- \|\n\| ❌ \| micro\/cpuid · kvm \| `exits.total` \| 50,000 \| 55,000 \| \+5,000 \| \+10\.0 % \| 5 % \|  \|/);
  assert.match(md, /<details><summary>Timings within noise \(1\)<\/summary>/);
  assert.match(md, /\*\*Removed runs \(only in BASE\):\*\* io\/disk-read · kvm/);
});

test('markdown escapes table-breaking and HTML characters from user-provided names', () => {
  const base = buildResults({ hostile: true });
  const head = buildResults({ hostile: true });
  findRun(head, 'micro/cpuid', 'kvm:mmu=<i>shadow</i>').exits.total += 1;
  const c = compareResults(base, head, { baseName: 'a|b.json', headName: 'h.json', selection: { rules: null, defaultThresholdPct: 5 }, force: false });
  const md = formatMarkdown(c, verdict(c, 'regression'));
  assert.ok(!md.includes('<i>'));
  assert.match(md, /kvm:mmu=&lt;i&gt;shadow&lt;\/i&gt;/);
  assert.match(md, /^a\\\|b\.json \(hvbench/m);
});

test('markdown for a PR bot: no raw HTML from the verdict line, versions, profile, metric names or file names', () => {
  const evil = '<img src=x onerror=alert(1)>';
  const base = buildResults();
  const head = buildResults();
  for (const f of [base, head]) {
    f.tool = { name: 'hvbench', version: `1.0<script>alert(1)</script>` };
    f.profile = `p\`${evil}`;
    findRun(f, 'micro/cpuid', 'kvm').exits.byReason[evil] = 10;
  }
  // a regression on a run whose label is hostile: the verdict line names it
  findRun(head, 'micro/cpuid', 'kvm').workload = 'micro/cpuid';
  findRun(head, 'micro/cpuid', 'kvm').exits.byReason[evil] = 20;
  const c = compareResults(base, head, { baseName: `b${evil}.json`, headName: 'h`.json', selection: { rules: null, defaultThresholdPct: 5 }, force: false });
  const v = verdict(c, 'regression');
  assert.ok(v.line.includes(evil), 'the verdict line itself carries the hostile metric name');
  const md = formatMarkdown(c, v);
  // the only tags are the report's own
  const tags = [...md.matchAll(/<\/?([a-z]+)/gi)].map((m) => m[1]);
  assert.deepEqual([...new Set(tags)].sort(), ['br', 'sub']);
  assert.match(md, /^\*\*❌ 1 regression in 1 run \(worst: micro\/cpuid · kvm exits\.byReason\.&lt;img src=x onerror=alert\(1\)&gt; \+100\.0 %\)/m);
  assert.match(md, /\(hvbench 1\.0&lt;script&gt;alert\(1\)&lt;\/script&gt;\)/);
  assert.match(md, /· profile p\\`&lt;img/);
  assert.match(md, /\| exits\.byReason\.&lt;img src=x onerror=alert\(1\)&gt; \|/);
});

test('json: every row with status, the verdict and the test; ∞ as a string', () => {
  const head = buildResults();
  findRun(head, 'cpu/compute', 'native').exits.byReason.HLT = 2;
  const c = compareResults(buildResults(), head, { baseName: 'b', headName: 'h', selection: { rules: null, defaultThresholdPct: 5 }, force: false });
  const doc = JSON.parse(formatJson(c, verdict(c, 'regression'), 'regression'));
  assert.equal(doc.schema, 'hvbench/compare@1');
  assert.equal(doc.verdict.exitCode, 1);
  // without --metric, wall-clock timings are not judged
  assert.equal(doc.timingTest, null);
  assert.deepEqual(
    { metric: doc.rows[0].metric, base: doc.rows[0].base, head: doc.rows[0].head, deltaPct: doc.rows[0].deltaPct, status: doc.rows[0].status },
    { metric: 'exits.byReason.HLT', base: 0, head: 2, deltaPct: 'Infinity', status: 'regression' },
  );
  assert.equal(doc.rows.length, c.rows.length);
});
