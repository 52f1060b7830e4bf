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
  assert.deepEqual(header, ['Workload', 'xen', 'kvm', 'kvm:mmu=shadow', 'kvm-host (measured)', 'Cycles per operation', 'Top mechanisms']);
  assert.equal(rule.length, header.length);
  assert.deepEqual(rows.map((r) => r[0]), results.workloads.map((w) => w.id));
  const syscall = rows.find((r) => r[0] === 'micro/syscall')!;
  assert.equal(syscall[1], '+528.2 %');
  assert.match(syscall[6], /^xen: syscall-pt-switch 76 %, hc:iret 17 %; kvm: nested-walk 100 %$/);
  for (const row of rows) assert.equal(row.length, header.length);
});

test('user strings cannot inject HTML or break the table; failures are listed', () => {
  const md = renderMarkdown(buildResults({ hostile: true, failedRun: true }));
  assert.ok(!md.includes(HOSTILE));
  assert.ok(md.includes('kvm:mmu=&lt;i&gt;shadow&lt;/i&gt;'));
  assert.match(md, /\| failed \|/);
  assert.match(md, /- io\/disk-read on kvm:mmu=&lt;i&gt;shadow&lt;\/i&gt;: device model crashed: &lt;img src=x onerror=alert\(1\)&gt;/);
});
