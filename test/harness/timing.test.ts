import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureTiming } from '../../harness/timing.ts';

test('timing reports tinybench statistics and keeps the samples it used', async () => {
  let calls = 0;
  const t = await measureTiming(() => { calls++; }, { iterations: 20, timeMs: 0 });
  // tinybench calls the function once more than it samples, to detect whether it is async
  assert.ok(t.samples >= 20 && calls >= t.samples);
  assert.ok(t.samplesMs.length > 0 && t.samplesMs.length <= 64);
  assert.ok(t.meanMs >= 0 && t.p99Ms >= t.p75Ms);
});

test('a throwing pair fails the timing instead of reporting numbers', async () => {
  await assert.rejects(measureTiming(() => { throw new Error('boom'); }, { iterations: 3, timeMs: 0 }), /boom/);
});
