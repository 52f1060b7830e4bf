import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INTEL_MODERN } from '../../../engines/machine/profiles/intel-modern.ts';
import { measureRun } from '../../../harness/validate/measure.ts';
import { fakeEngine } from './fake-engine.ts';

test('measureRun: the measured ops\' counters alone, the setup subtracted', async () => {
  const run = { engine: fakeEngine, options: { cost: 1 } };
  const setup = [{ op: 'map', region: 'r', bytes: 4096, pageSize: '4k' }, { op: 'touch', region: 'r', pattern: 'seq', accesses: 3, write: true }] as const;
  const measured = [{ op: 'cpuid', count: 7 }, { op: 'touch', region: 'r', pattern: 'random', accesses: 2, write: false }] as const;
  const m = await measureRun(run, setup, measured, INTEL_MODERN);
  // setup: 5,000 (map) + 3 × 100 = 5,300, not counted; measured: 7 × 1,000 + 2 × 100 = 7,200, 2 misses, 8 refs
  assert.deepEqual(m, { cycles: 7200, tlbMisses: 2, walkRefs: 8 });
});
