import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEnergyJ } from '../../../engines/power/run-energy.ts';
import type { PowerProfile } from '../../../engines/power/types.ts';

// P0 2000 MHz at 1 V, P1 1000 MHz at 0.8 V; static 1 W, leakage 2 W and switching 4 W at P0, idle 0.5 W
const power: PowerProfile = {
  pStates: [{ mhz: 2000, volts: 1 }, { mhz: 1000, volts: 0.8 }],
  transitionLatencyUs: 10,
  staticWattsPerCore: 1,
  leakWattsAtP0: 2,
  dynamicWattsAtP0: 4,
  idle: { state: 'C6', watts: 0.5 },
  autonomous: 'none',
};

test('P0: busy cycles at the clock draw static + leakage + switching, idle cycles static + idle', () => {
  // 2 GHz: 2e9 busy cycles = 1 s at 1 + 2 + 4 = 7 W; 2e9 idle cycles = 1 s at 1 + 0.5 W: 8.5 J
  const j = runEnergyJ({ cycles: { guest: 1e9, hypervisor: 5e8, host: 5e8, idle: 2e9 }, attribution: {} }, 2, power);
  assert.ok(Math.abs(j - 8.5) < 1e-9, `${j}`);
});

test('a slower P-state stretches core-bound cycles but not memory-bound ones', () => {
  // 2e9 busy cycles of which 1e9 memory access: at 1000 MHz the core half takes 1 s, the memory half 0.5 s:
  // 1.5 s at 1 + 2 × 0.8 + 4 × 0.64 × 0.5 = 3.88 W = 5.82 J
  const j = runEnergyJ({ cycles: { guest: 2e9, hypervisor: 0, host: 0, idle: 0 }, attribution: { 'memory-access': 1e9 } }, 2, power, 1);
  assert.ok(Math.abs(j - 5.82) < 1e-9, `${j}`);
  // all core-bound: 2 s at 3.88 W
  const core = runEnergyJ({ cycles: { guest: 2e9, hypervisor: 0, host: 0, idle: 0 }, attribution: {} }, 2, power, 1);
  assert.ok(Math.abs(core - 7.76) < 1e-9, `${core}`);
});

test('a run with no cycles used no energy', () => {
  assert.equal(runEnergyJ({ cycles: { guest: 0, hypervisor: 0, host: 0, idle: 0 }, attribution: {} }, 2, power), 0);
});
