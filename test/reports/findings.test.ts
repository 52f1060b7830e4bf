import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refsPerMiss, winsByCategory } from '../../reports/findings.ts';
import { howToRead } from '../../reports/html/how-to-read.ts';
import { buildResults } from '../fixtures/results.ts';

test('walk references per miss are computed per engine from the runs', () => {
  // micro/syscall: native 3,000 / 2,000, xen 45,000 / 30,000, kvm 8,800 / 2,000
  assert.deepEqual(refsPerMiss(buildResults(), ['micro/syscall']).map((e) => [e.engine, e.refsPerMiss]).slice(0, 3),
    [['native', 1.5], ['xen', 1.5], ['kvm', 4.4]]);
});

test('the engine with the lowest overhead wins its workload', () => {
  // micro/syscall: xen +528 %, kvm (10,880,000 − 10,300,000) / 10,300,000 = +5.6 %, kvm:mmu=shadow native's
  // cycles exactly (+0 %): the shadow variant wins
  const micro = winsByCategory(buildResults()).find((c) => c.category === 'micro')!;
  assert.ok(micro.wins.get('kvm:mmu=shadow')?.includes('micro/syscall'));
  assert.ok(!micro.wins.get('xen')?.includes('micro/syscall'));
});

test('"How to read" quotes the computed refs per miss and never claims a ratio it did not compute', () => {
  const results = buildResults();
  const html = howToRead(results);
  for (const e of refsPerMiss(results)) assert.ok(html.includes(`${e.engine} ${e.refsPerMiss.toFixed(2)}`), e.engine);
  assert.doesNotMatch(html, /several times native/);
  assert.doesNotMatch(html, /It has <b>no VM exits<\/b>/);
});
