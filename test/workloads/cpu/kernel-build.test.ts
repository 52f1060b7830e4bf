import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../engines/rng.ts';
import { builtinWorkloads, defaultParams } from '../../../workloads/registry.ts';
import { run } from '../../engines/guest/run-engine.ts';

const w = builtinWorkloads().find((x) => x.id === 'cpu/kernel-build')!;
const ops = () => [...w.generate(defaultParams(w), new Rng(1))];

test('make starts each job with vfork: one per job, and no copy-on-write fault in make afterwards', () => {
  const n = run('native', ops(), 'core2-2007', 1);
  // 40 jobs (the default): 40 vforks, execs and exits; make's pages were never write-protected
  assert.deepEqual([n.events.forks, n.events.execs, n.events.exits], [40, 40, 40]);
  assert.equal(n.events.cowFaults ?? 0, 0);
});

test('on xen:arch=x86_32 (the 2003 design, core2-2007) it costs 0–6 % over native: the issue\'s band for the Xen 2003 "Linux build" (+3 %)', () => {
  const native = run('native', ops(), 'core2-2007', 1).cycles.total;
  const xen = run('xen:arch=x86_32', ops(), 'core2-2007', 1).cycles.total;
  const overhead = (xen - native) / native;
  assert.ok(overhead >= 0 && overhead <= 0.06, `overhead ${(overhead * 100).toFixed(2)} %`);
});
