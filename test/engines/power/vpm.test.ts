import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VpmLocalRules } from '../../../engines/power/vpm.ts';
import type { VcpuScheduler } from '../../../engines/power/schedulers/scheduler.ts';
import type { PowerProfile, PowerVmSpec } from '../../../engines/power/types.ts';

import { fiveStates as profile } from './five-states.ts';

const vm = (id: string, cpu: number, cap: number | null = null): PowerVmSpec => ({ id, cpu, booked: 0.5, cap, weight: 256, deadlineMs: null });

/** a scheduler that only records the caps it is given, by local vCPU index */
function recorder(caps: Map<number, number | null>): VcpuScheduler {
  const unused = () => {
    throw new Error('not used by the rules');
  };
  return { wake: unused, block: unused, pick: unused, budgetMs: unused, charge: unused, tick: unused, setCap: (v, cap) => caps.set(v, cap) };
}

function apply(p: PowerProfile, vms: PowerVmSpec[], cpus: number, soft: number[], active: number[]) {
  const members: number[][] = Array.from({ length: cpus }, () => []);
  const local = new Int32Array(vms.length);
  vms.forEach((x, v) => {
    local[v] = members[x.cpu].length;
    members[x.cpu].push(v);
  });
  const caps = members.map(() => new Map<number, number | null>());
  const hw = new Array<number>(cpus).fill(-1);
  const rules = new VpmLocalRules(p, vms, members, local);
  rules.apply(Int32Array.from(soft), Uint8Array.from(active), caps.map(recorder), (c, i) => (hw[c] = i));
  return { hw, caps, rules, members, local };
}

test('VirtualPower: hardware scaling to the fastest soft state on the core, soft scaling (a CPU-time cap) for the VMs that asked for less', () => {
  // CPU 0: A asks P0 (3000), B 1500. The core runs at 3000 so A is not slowed; B gets 1500 / 3000 = half the
  // CPU's time, which at 3000 MHz is the work of a core at 1500
  const { hw, caps } = apply(profile, [vm('A', 0), vm('B', 0)], 1, [0, 3], [1, 1]);
  assert.deepEqual(hw, [0]);
  assert.deepEqual([...caps[0]], [[1, 0.5]]);
});

test('VirtualPower: a VM whose own cap is tighter than the soft one keeps its own; an idle VM does not hold the clock up', () => {
  // B's cap 0.3 is below 1500 / 3000: nothing to set. C on CPU 1 asked for P0 but ran nothing in the period:
  // CPU 1 drops to the slowest state, 1000 MHz, and C (3000 asked, slower hardware) needs no cap
  const { hw, caps } = apply(profile, [vm('A', 0), vm('B', 0, 0.3), vm('C', 1)], 2, [0, 3, 0], [1, 1, 0]);
  assert.deepEqual(hw, [0, 4]);
  assert.equal(caps[0].size, 0);
  assert.equal(caps[1].size, 0);
});

test('VirtualPower: where cores share one P-state, hardware scaling follows the fastest VM of the domain and the others are soft-scaled', () => {
  // per core: CPU 0 runs A's 1500, CPU 1 B's 2000, no caps. With both cores in one domain (Core 2's shared
  // clock) both run at 2000 and A gets 1500 / 2000 = 0.75 of its CPU's time
  const perCore = apply(profile, [vm('A', 0), vm('B', 1)], 2, [3, 2], [1, 1]);
  assert.deepEqual(perCore.hw, [3, 2]);
  assert.equal(perCore.caps[0].size + perCore.caps[1].size, 0);
  const shared = apply({ ...profile, pStateDomainCores: 2 }, [vm('A', 0), vm('B', 1)], 2, [3, 2], [1, 1]);
  assert.deepEqual(shared.hw, [2, 2]);
  assert.deepEqual([...shared.caps[0]], [[0, 0.75]]);
  assert.equal(shared.caps[1].size, 0);
});

test('VirtualPower: when the VM asks for the speed its core runs at again, the soft cap is lifted back to its own', () => {
  const vms = [vm('A', 0), vm('B', 0, 0.9)];
  const { caps, rules } = apply(profile, vms, 1, [0, 3], [1, 1]);
  assert.deepEqual([...caps[0]], [[1, 0.5]]);
  const again = new Map<number, number | null>();
  rules.apply(Int32Array.from([0, 0]), Uint8Array.from([1, 1]), [recorder(again)], () => {});
  assert.deepEqual([...again], [[1, 0.9]]);
});
