import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResultsFile } from '../../harness/results.ts';
import { findRun } from '../../reports/model.ts';
import { formatCycles, perOpLine } from '../../reports/per-op.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { buildResults } from '../fixtures/results.ts';

function withCpuidPerOp(): ResultsFile {
  const results = buildResults();
  return { ...results, clockGhz: 2.5, workloads: results.workloads.map((w) => (w.id === 'micro/cpuid' ? { ...w, perOp: { count: 50_000, unit: 'cpuid' } } : w)) };
}

test('cycles per operation: measured cycles ÷ the count the workload names, beside native', () => {
  const results = withCpuidPerOp();
  const w = results.workloads.find((x) => x.id === 'micro/cpuid')!;
  // kvm: (5,000,000 cpuid + 100,000,000 exit:CPUID) / 50,000 = 2,100; native 5,000,000 / 50,000 = 100
  assert.equal(perOpLine(results, w, findRun(results, w.id, 'kvm')!), '2,100 cycles per cpuid vs 100 native');
  assert.equal(perOpLine(results, w, findRun(results, w.id, 'native')!), '100 cycles per cpuid');
  const syscall = results.workloads.find((x) => x.id === 'micro/syscall')!;
  assert.equal(perOpLine(results, syscall, findRun(results, syscall.id, 'kvm')!), '');
});

test('from a million cycles up a cost also reads in ms at the profile clock', () => {
  // 7,500,000 cycles at 2.5 GHz = 3 ms
  assert.equal(formatCycles(withCpuidPerOp(), 7_500_000), '7,500,000 cycles (3.00 ms)');
  assert.equal(formatCycles(withCpuidPerOp(), 2_100), '2,100 cycles');
});

test('summary.md gives every engine its cycles per operation, native first', () => {
  const md = renderMarkdown(withCpuidPerOp());
  // xen: (5,000,000 + 60,000,000) / 50,000 = 1,300
  assert.match(md, /\| cycles per cpuid: native 100, xen 1,300, kvm 2,100, kvm:mmu=shadow [\d,]+ \|/);
});
