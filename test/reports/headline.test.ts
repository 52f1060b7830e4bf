import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoryHeadlines } from '../../reports/headline.ts';
import { buildResults } from '../fixtures/results.ts';

test('one headline per category: kvm against xen, in how many workloads it is lower and by what geometric mean', () => {
  const results = buildResults();
  const lines = categoryHeadlines(results);
  assert.deepEqual(lines.map((l) => l.category), ['cpu', 'micro', 'memory', 'io']);
  // cpu/compute: xen 200,240,000 + 540,000 = 200,780,000 cycles, kvm 200,240,000 + 860,000 = 201,100,000: kvm is
  // higher; 201,100,000 / 200,780,000 = 1.0016
  assert.equal(lines[0].text, 'kvm lower overhead than xen in 0 of 1 workload; geometric mean of kvm ÷ xen cycles ×1.00');
  // micro/syscall: kvm 10,880,000 vs xen 64,700,000 (lower); micro/cpuid: kvm 105,000,000 vs xen 65,000,000
  // (higher); √(10.88/64.7 × 105/65) = √0.27164 = 0.5212
  assert.equal(lines[1].text, 'kvm lower overhead than xen in 1 of 2 workloads; geometric mean of kvm ÷ xen cycles ×0.52');
  // io/disk-read: kvm 44,100,000 + 24,900,000 = 69,000,000 vs xen 44,100,000 + 50,700,000 = 94,800,000 → 0.7278
  assert.equal(lines[3].text, 'kvm lower overhead than xen in 1 of 1 workload; geometric mean of kvm ÷ xen cycles ×0.73');
});

test('a workload not meaningful on xen PV is named, not compared', () => {
  const results = buildResults();
  results.workloads.find((w) => w.id === 'micro/cpuid')!.notMeaningfulOnPv = 'no such instruction.';
  // micro/syscall alone: 10.88 / 64.7 = 0.1682
  assert.equal(categoryHeadlines(results)[1].text,
    'kvm lower overhead than xen in 1 of 1 workload; geometric mean of kvm ÷ xen cycles ×0.17 (not compared: micro/cpuid, not meaningful on a PV domU)');
});

test('without xen and kvm, the first two engines measured against native are compared; with one, no headline', () => {
  const results = buildResults();
  results.runs = results.runs.filter((r) => r.engine !== 'xen');
  results.engines = results.engines.filter((e) => e.label !== 'xen');
  assert.match(categoryHeadlines(results)[0].text, /^kvm:mmu=shadow lower overhead than kvm in 1 of 1 workload;/);
  results.runs = results.runs.filter((r) => r.engine === 'native' || r.engine === 'kvm');
  assert.deepEqual(categoryHeadlines(results), []);
});
