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

test('the shadow-cache story is computed per context switch from the ctx-switch runs, and quoted', async () => {
  const { shadowCacheStory } = await import('../../reports/findings.ts');
  const results = buildResults();
  assert.equal(shadowCacheStory(results), null, 'no shadow runs: nothing to tell');
  const base = results.runs[0];
  // 100 switches; per switch: native 2,000 cycles, ept 2,000, shadow with the cache 4,000 (one CR_ACCESS exit),
  // without it 30,000 (8 shadow faults, 7 shadow pages, the rebuild 24,000 in shadow-fault + 2,000 in alloc)
  const runOf = (engine: string, options: Record<string, string>, total: number, extra: Partial<typeof base>) => ({
    ...base, workload: 'memory/ctx-switch', category: 'memory', engine, engineId: engine === 'native' ? 'native' : 'kvm', options, error: undefined,
    cycles: { ...base.cycles, total }, attribution: { 'context-switch': 200_000 }, exits: { total: 0, byReason: {} },
    events: { contextSwitches: 100 }, setup: undefined, ...extra,
  });
  results.runs.push(
    runOf('native', {}, 200_000, {}),
    runOf('kvm', { mmu: 'ept' }, 200_000, {}),
    runOf('kvm:mmu=shadow', { mmu: 'shadow', shadowcache: 'on' }, 400_000,
      { exits: { total: 100, byReason: { CR_ACCESS: 100 } }, events: { contextSwitches: 100, shadowWriteProtectExits: 2 } }),
    runOf('kvm:mmu=shadow,shadowcache=off', { mmu: 'shadow', shadowcache: 'off' }, 3_000_000, {
      attribution: { 'context-switch': 200_000, 'shadow-fault': 2_400_000, 'shadow-alloc': 200_000 },
      exits: { total: 900, byReason: { CR_ACCESS: 100, EXCEPTION_NMI: 800 } },
      events: { contextSwitches: 100, shadowFaults: 800, shadowPages: 700 },
    }),
  );
  const s = shadowCacheStory(results)!;
  assert.deepEqual([s.switches, s.native, s.ept, s.on, s.off], [100, 2000, 2000, 4000, 30_000]);
  assert.deepEqual([s.offFaults, s.offPages, s.onFaults, s.onWriteProtect, s.onExits, s.eptExits], [8, 7, 0, 2, 1, 0]);
  assert.deepEqual(s.rebuild, [['shadow-fault', 24_000], ['shadow-alloc', 2_000]]);
  const html = howToRead(results);
  assert.match(html, /8 shadow faults and 7 shadow pages per switch/);
  assert.match(html, /30,000 cycles per switch/);
  assert.match(html, /2 write-protect exits/);
  assert.equal(s.xen, null, 'no Xen HVM run on shadow paging: no sentence');
  assert.doesNotMatch(html, /Xen's shadow paging/);
  // xen:mode=hvm on shadow paging: per switch 4,100 cycles and 1 exit, no fix-up; its setup promoted shadows,
  // unsynced 5 tables, crushed 2 and resynced 5 (all setup: the loop writes no page table)
  results.runs.push(runOf('xen:mode=hvm', { mode: 'hvm' }, 410_000, {
    engineId: 'xen', exits: { total: 100, byReason: { CR_ACCESS: 100 } }, events: { contextSwitches: 100 },
    setup: { ...base.setup!, events: { 'shadow:promote': 9, 'shadow:unsync': 5, 'shadow:oos-evict': 2, 'shadow:resync': 5 } },
  }));
  const x = shadowCacheStory(results)!.xen;
  assert.deepEqual(x, { cycles: 4100, fixups: 0, exits: 1, unsyncs: 5, evictions: 2, resyncs: 5 });
  assert.match(howToRead(results), /Xen's shadow paging.*0 shadow fault fix-ups and 1 exits per switch, 4,100 cycles.*5 unsyncs, 2 evictions, 5 resyncs/);
});
