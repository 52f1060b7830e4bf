import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CpuIdle, cStatesOf, menuSelect } from '../../../engines/power/idle.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';

const skx = cStatesOf(getProfile('intel-modern').power);

test('menu picks the deepest Skylake-SP state whose target residency fits the predicted idle time', () => {
  assert.deepEqual(skx.map((s) => [s.name, s.exitLatencyUs, s.targetResidencyUs]), [['C1', 2, 2], ['C1E', 10, 20], ['C6', 133, 600]]);
  assert.equal(skx[menuSelect(skx, 0.001)].name, 'C1'); // 1 µs: nothing fits, the shallowest
  assert.equal(skx[menuSelect(skx, 0.019)].name, 'C1');
  assert.equal(skx[menuSelect(skx, 0.02)].name, 'C1E');
  assert.equal(skx[menuSelect(skx, 0.599)].name, 'C1E');
  assert.equal(skx[menuSelect(skx, 0.6)].name, 'C6');
});

test("Xen's idle: straight into the chosen state, and waking costs its exit latency", () => {
  const cpu = new CpuIdle(skx, false);
  assert.equal(cpu.rest(1, 5), 0); // 5 ms to the next event: C6, no polling
  assert.equal(cpu.watts, 0.1);
  assert.equal(cpu.wake(), 0.133);
  assert.equal(cpu.wake(), 0, 'running: nothing to leave');
  cpu.rest(0.5, 0.3); // 300 µs: C1E
  assert.equal(cpu.watts, 1.05);
  assert.equal(cpu.wake(), 0.01);
});

test("KVM's halt polling: the window grows 10 → 20 → 40 µs over short idle periods, a caught wake-up costs no exit latency, a long idle resets it", () => {
  const cpu = new CpuIdle(skx, true);
  // no window yet: a 50 µs idle period enters C1E (predicted 50 µs ≥ 20) and grows the window to 10 µs
  assert.equal(cpu.rest(0.05, 0.05), 0);
  assert.equal(cpu.wake(), 0.01);
  // 10 µs of polling, then C1E; 50 µs > 10 µs and < 200 µs: grows to 20 µs
  assert.ok(Math.abs(cpu.rest(0.05, 0.05) - 0.01) < 1e-12);
  assert.equal(cpu.wake(), 0.01);
  assert.ok(Math.abs(cpu.rest(0.05, 0.05) - 0.02) < 1e-12);
  cpu.wake(); // → 40 µs
  // a wake-up within the 40 µs window: polled all of it, no C-state, no exit latency
  assert.ok(Math.abs(cpu.rest(0.03, 0.03) - 0.03) < 1e-12);
  assert.equal(cpu.wake(), 0);
  // 5 ms idle: polls 40 µs, then C6; longer than 200 µs: the window drops to 0
  assert.ok(Math.abs(cpu.rest(1, 5) - 0.04) < 1e-12);
  assert.equal(cpu.watts, 0.1);
  assert.equal(cpu.wake(), 0.133);
  assert.equal(cpu.rest(0.05, 0.05), 0);
});

test('a profile without a C-state table idles in its one state, free to leave', () => {
  const core2 = cStatesOf(getProfile('core2-2007').power);
  assert.deepEqual(core2, [{ name: 'C1E', exitLatencyUs: 0, targetResidencyUs: 0, watts: 3 }]);
});
