import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnergyMeter } from '../../../engines/power/energy.ts';
import { jainIndex } from '../../../engines/power/fairness.ts';
import type { PowerProfile } from '../../../engines/power/types.ts';

const profile: PowerProfile = {
  pStates: [
    { mhz: 2000, volts: 1.0 },
    { mhz: 1000, volts: 0.8 },
  ],
  transitionLatencyUs: 10,
  staticWattsPerCore: 2,
  leakWattsAtP0: 1,
  dynamicWattsAtP0: 5,
  idle: { state: 'C6', watts: 0.5 },
  autonomous: 'none',
};

test('busy power: static + leakage ∝ V + switching ∝ V²·f; idle: static + C-state', () => {
  const busyP0 = new EnergyMeter(profile);
  for (let i = 0; i < 1000; i++) busyP0.add(0, 1, 1);
  assert.ok(Math.abs(busyP0.energyJ - (2 + 1 + 5)) < 1e-9);
  const busyP1 = new EnergyMeter(profile);
  for (let i = 0; i < 1000; i++) busyP1.add(1, 1, 1);
  assert.ok(Math.abs(busyP1.energyJ - (2 + 0.8 + 5 * 0.64 * 0.5)) < 1e-9);
  const idle = new EnergyMeter(profile);
  for (let i = 0; i < 1000; i++) idle.add(0, 0, 1);
  assert.ok(Math.abs(idle.energyJ - idle.floorJ(1, 1000)) < 1e-9);
});

test('package C-state: while every core idles, the static share drops to the package idle figure; the floor assumes it throughout', () => {
  const pkg: PowerProfile = { ...profile, packageIdle: { state: 'PC6', wattsPerCore: 0.25 } };
  const meter = new EnergyMeter(pkg);
  // two idle cores for 1 s: 2 × (2 static + 0.5 C6) = 5 J, less 2 × (2 − 0.25) = 3.5 J gated: 1.5 J
  for (let i = 0; i < 1000; i++) {
    meter.add(0, 0, 1);
    meter.add(0, 0, 1);
    meter.packageIdle(2, 1);
  }
  assert.ok(Math.abs(meter.energyJ - 1.5) < 1e-9, `${meter.energyJ}`);
  assert.ok(Math.abs(meter.floorJ(2, 1000) - 1.5) < 1e-9);
});

test("Jain's index: 1 when equal, 1/n when one party gets everything", () => {
  assert.equal(jainIndex([0.5, 0.5, 0.5]), 1);
  assert.ok(Math.abs(jainIndex([1, 0, 0, 0]) - 0.25) < 1e-12);
  assert.ok(jainIndex([1, 0.6]) < 1);
});
