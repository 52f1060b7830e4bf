import { test } from 'node:test';
import assert from 'node:assert/strict';
import { powerWorkloads } from '../../../workloads/power/index.ts';

test('every scenario: one sorted, in-range trace per VM, pinned to an existing CPU, deterministic from the seed', () => {
  for (const s of powerWorkloads) {
    const traces = s.traces(11);
    assert.equal(traces.length, s.vms.length, s.id);
    for (const vm of s.vms) assert.ok(vm.cpu >= 0 && vm.cpu < s.cpus);
    assert.equal(s.cpus % (s.hosts ?? 1), 0, s.id);
    for (const tr of traces) {
      assert.equal(tr.arrivalMs.length, tr.work.length);
      for (let i = 0; i < tr.arrivalMs.length; i++) {
        assert.ok(tr.arrivalMs[i] >= 0 && tr.arrivalMs[i] < s.durationMs);
        assert.ok(tr.work[i] > 0);
        if (i > 0) assert.ok(tr.arrivalMs[i] >= tr.arrivalMs[i - 1]);
      }
    }
    assert.deepEqual(s.traces(11), traces);
  }
  assert.deepEqual(powerWorkloads.map((s) => s.id), ['hagimont-capped', 'bursty-web', 'batch-latency', 'turbo-race', 'base-race', 'rapl-capped', 'vpm-spread', 'vpm-consolidated']);
});

test('bursty web traffic averages well below its burst rate', () => {
  const web = powerWorkloads.find((s) => s.id === 'bursty-web')!;
  const [trace] = web.traces(3);
  const total = trace.work.reduce((s, w) => s + w, 0);
  const load = total / web.durationMs;
  assert.ok(load > 0.05 && load < 0.4, `${load}`);
});
