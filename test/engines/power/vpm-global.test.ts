import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consolidate, observedDemand } from '../../../engines/power/vpm-global.ts';
import type { PowerVmSpec } from '../../../engines/power/types.ts';

const vm = (id: string, cpu: number): PowerVmSpec => ({ id, cpu, booked: 0.25, cap: null, weight: 256, deadlineMs: null });

test('VirtualPower global rule: first-fit decreasing by observed demand, each CPU filled to at most 80 %', () => {
  // demands 0.1, 0.5, 0.3, 0.2, 0.3 spread over CPUs 0–4. In decreasing order (ties by index): 0.5 → CPU 0;
  // 0.3 (vm 2) → CPU 0, now 0.8; 0.3 (vm 4) → CPU 1; 0.2 → CPU 1 (0.5); 0.1 → CPU 1 (0.6). CPUs 2–4 are empty
  const vms = ['a', 'b', 'c', 'd', 'e'].map((id, v) => vm(id, v));
  const placed = consolidate(vms, [0.1, 0.5, 0.3, 0.2, 0.3], 5);
  assert.deepEqual(placed.map((x) => x.cpu), [1, 0, 0, 1, 1]);
  // the specs are copies: the spread placement is left as it was
  assert.deepEqual(vms.map((x) => x.cpu), [0, 1, 2, 3, 4]);
});

test('VirtualPower global rule: a VM that fits on no CPU goes to the least-loaded one', () => {
  // 0.7 → CPU 0, 0.7 → CPU 1, then 0.7 fits nowhere under 0.8: CPU 0 and 1 tie at 0.7, the first is taken
  assert.deepEqual(consolidate([vm('a', 0), vm('b', 1), vm('c', 1)], [0.7, 0.7, 0.7], 2).map((x) => x.cpu), [0, 1, 0]);
});

test('observed demand is the work a VM asked for per millisecond', () => {
  // 3 + 1 f_max-ms over 10 ms: 0.4 of an f_max CPU
  assert.deepEqual(observedDemand([{ arrivalMs: Float64Array.from([0, 5]), work: Float64Array.from([3, 1]) }], 10), [0.4]);
});
