import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../reports/markdown.ts';
import { buildResults, HOSTILE } from '../fixtures/results.ts';

/** the rows of every Markdown table, each table separately */
function tables(md: string): string[][][] {
  const out: string[][][] = [];
  let current: string[][] | null = null;
  for (const line of md.split('\n')) {
    if (!line.startsWith('| ')) { current = null; continue; }
    if (!current) out.push((current = []));
    current.push(line.slice(2, -2).split(/(?<!\\) \| /));
  }
  return out;
}

function tableRows(md: string): string[][] {
  return tables(md)[0];
}

test('one row per workload with each compared engine\'s overhead and the top mechanisms', () => {
  const results = buildResults({ measured: true });
  const [header, rule, ...rows] = tableRows(renderMarkdown(results));
  assert.deepEqual(header, ['Workload', 'xen', 'kvm', 'kvm:mmu=shadow', 'kvm-host (measured)', 'Cycles per operation', 'Energy at P0', 'Top mechanisms']);
  assert.equal(rule.length, header.length);
  assert.deepEqual(rows.map((r) => r[0]), results.workloads.map((w) => w.id));
  const syscall = rows.find((r) => r[0] === 'micro/syscall')!;
  // 64.7 M / 10.3 M − 1 = 5.281553… → +528.16 % (two decimals, reports/format.ts)
  assert.equal(syscall[1], '+528.16 %');
  // xen over native: syscall-pt-switch 41.2 M, hc:iret 9 M, page-walk 4.5 M − 0.3 M = 4.2 M (folded: only two
  // costs by name), 54.4 M in all → 75.7 %, 16.5 %, 7.7 %; floors 75 + 16 + 7 = 98, the two units left go to the
  // largest remainders (.735 and .721), so the shares read 76, 16 and 8 and sum to 100
  assert.match(syscall[7], /^xen: syscall-pt-switch 76 %, hc:iret 16 %, other mechanisms 8 %; kvm: nested-walk 100 %$/);
  for (const row of rows) assert.equal(row.length, header.length);
});

test("each run's energy at P0 is listed per workload, engines in table order", () => {
  const results = buildResults({});
  const set = (engine: string, j: number) => (results.runs.find((r) => r.workload === 'micro/syscall' && r.engine === engine)!.energyJ = j);
  set('xen', 0.4712);
  set('kvm', 0.24);
  const header = tableRows(renderMarkdown(results))[0];
  const syscall = tableRows(renderMarkdown(results)).find((r) => r[0] === 'micro/syscall')!;
  assert.equal(syscall[header.indexOf('Energy at P0')], 'xen 0.471 J, kvm 0.24 J');
});

test('user strings cannot inject HTML or break the table; failures are listed', () => {
  const md = renderMarkdown(buildResults({ hostile: true, failedRun: true }));
  assert.ok(!md.includes(HOSTILE));
  assert.ok(md.includes('kvm:mmu=&lt;i&gt;shadow&lt;/i&gt;'));
  assert.match(md, /\| failed \|/);
  assert.match(md, /- io\/disk-read on kvm:mmu=&lt;i&gt;shadow&lt;\/i&gt;: device model crashed: &lt;img src=x onerror=alert\(1\)&gt;/);
});

test('summary.md opens with the headline of each category, as report.html does', () => {
  const md = renderMarkdown(buildResults());
  // io/disk-read: kvm 69,000,000 cycles against xen's 94,800,000 (test/reports/headline.test.ts derives it)
  assert.ok(md.includes('\n- **io**: kvm lower overhead than xen in 1 of 1 workload; geometric mean of kvm ÷ xen cycles ×0.73\n\n| Workload |'), md.slice(0, 900));
  assert.equal(md.split('\n').filter((l) => l.startsWith('- **')).length, 4);
});
