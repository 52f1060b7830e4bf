import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OndemandGovernor, xenOndemandTunables } from '../../../engines/power/governors/ondemand.ts';
import { SchedutilGovernor } from '../../../engines/power/governors/schedutil.ts';
import { FixedGovernor } from '../../../engines/power/governors/fixed.ts';
import { AutonomousGovernor, EPP_VALUES } from '../../../engines/power/governors/autonomous.ts';
import { PasGovernor } from '../../../engines/power/governors/pas.ts';
import { atOrAbove, validatePowerProfile } from '../../../engines/power/p-states.ts';
import type { PowerProfile } from '../../../engines/power/types.ts';
import { listProfiles } from '../../../engines/machine/profiles/index.ts';

import { fiveStates as profile } from './five-states.ts';

/** feed `ms` steps of `busyFraction` load, applying each decision; returns the final P-state index */
function drive(gov: { step(b: number, d: number, c: number): number }, busyFraction: number, ms: number, start = 0): number {
  let cur = start;
  for (let i = 0; i < ms; i++) {
    const next = gov.step(busyFraction, 1, cur);
    if (next >= 0) cur = next;
  }
  return cur;
}

test('every built-in profile has a valid power block', () => {
  for (const p of listProfiles()) assert.deepEqual(validatePowerProfile(p.power), [], p.id);
  // a profile file's autonomous control must be one the model knows
  const bad = { ...profile, autonomous: 'banana' } as unknown as PowerProfile;
  assert.deepEqual(validatePowerProfile(bad), ['autonomous must be hwp, cppc or none (got banana)']);
});

test('CPUFREQ_RELATION_L: the slowest state at or above the target', () => {
  assert.equal(atOrAbove(profile, 2100), 1);
  assert.equal(atOrAbove(profile, 2000), 2);
  assert.equal(atOrAbove(profile, 10), 4);
  assert.equal(atOrAbove(profile, 9999), 0);
});

test('ondemand: above 80 % load jumps to P0; below 70 % scales f_cur by load / 70 %; samples every 10 ms', () => {
  const od = new OndemandGovernor(profile);
  for (let i = 0; i < 9; i++) assert.equal(od.step(1, 1, 4), -1);
  assert.equal(od.step(1, 1, 4), 0);
  const half = new OndemandGovernor(profile);
  // 50 % at 3000 MHz → 2143 MHz → 2500 MHz (P1); then 50 % at 2500 → 1786 → 2000 ...: a capped load ratchets down
  assert.equal(drive(half, 0.5, 10), 1);
  assert.equal(drive(half, 0.5, 10, 1), 2);
  // ... until rounding up holds it: 50 % at 1500 MHz → 1071 MHz rounds up to 1500 MHz again
  assert.equal(drive(new OndemandGovernor(profile), 0.5, 200), 3);
  assert.equal(drive(new OndemandGovernor(profile), 0, 20), 4);
  // between 70 and 80 % it holds
  assert.equal(drive(new OndemandGovernor(profile), 0.75, 100, 2), 2);
});

test("Xen's ondemand samples every 20 ms (a 10 µs part's 10 ms raised to MIN_STAT_SAMPLING_RATE); the phase arms the timer later", () => {
  assert.equal(xenOndemandTunables(profile).samplingMs, 20);
  assert.equal(xenOndemandTunables({ ...profile, transitionLatencyUs: 50 }).samplingMs, 50);
  // saturated from the slowest state: the first sample, at 20 ms, jumps to P0
  const od = new OndemandGovernor(profile, xenOndemandTunables(profile));
  for (let i = 0; i < 19; i++) assert.equal(od.step(1, 1, 4), -1);
  assert.equal(od.step(1, 1, 4), 0);
  // armed 5 ms late: the first sample is at 25 ms
  const late = new OndemandGovernor(profile, xenOndemandTunables(profile, 5));
  for (let i = 0; i < 24; i++) assert.equal(late.step(1, 1, 4), -1);
  assert.equal(late.step(1, 1, 4), 0);
});

test('schedutil: a saturated CPU climbs to P0; a CPU half busy in time sinks, since util is frequency-invariant', () => {
  assert.equal(drive(new SchedutilGovernor(profile), 1, 500, 4), 0);
  assert.equal(drive(new SchedutilGovernor(profile), 0.5, 1000, 0), 4);
  assert.equal(drive(new SchedutilGovernor(profile), 0, 500, 0), 4);
});

test('performance and powersave pin their state', () => {
  assert.equal(drive(new FixedGovernor('performance', profile), 0, 5, 3), 0);
  assert.equal(drive(new FixedGovernor('powersave', profile), 1, 5, 0), 4);
});

test('HWP/CPPC autonomous: f_next = f_cur · busy / (EPP/256), rounded up to a P-state; an idle millisecond drops to the slowest', () => {
  // 40 % busy at 3000 MHz (P0 of the test profile: 3000/2500/2000/1500/1000)
  const at = (epp: 'performance' | 'balance_performance' | 'balance_power' | 'power', busy: number) => new AutonomousGovernor(profile, epp).step(busy, 1, 0);
  // EPP 0: any activity runs at P0 — already there, so no request
  assert.equal(at('performance', 0.4), -1);
  // EPP 128: 3000 · 0.4 / 0.5 = 2400 MHz → 2500 (P1)
  assert.equal(at('balance_performance', 0.4), 1);
  // EPP 192: 3000 · 0.4 / 0.75 = 1600 MHz → 2000 (P2)
  assert.equal(at('balance_power', 0.4), 2);
  // EPP 255: 3000 · 0.4 · 256 / 255 = 1204.7 MHz → 1500 (P3)
  assert.equal(at('power', 0.4), 3);
  // idle: the slowest state, whatever the preference
  assert.equal(at('performance', 0), 4);
  // fully busy at the slowest state even at EPP 255: 1000 · 256 / 255 = 1003.9 MHz → 1500, one step up per ms
  assert.equal(new AutonomousGovernor(profile, 'power').step(1, 1, 4), 3);
  assert.deepEqual(EPP_VALUES, { performance: 0, balance_performance: 128, balance_power: 192, power: 255 });
});

test("PAS (Hagimont et al.): the slowest P-state whose f/f_max covers the f_max-normalised load, once per sampling period", () => {
  // a CPU half busy at 3000 MHz did 0.5 × 3000/3000 = 0.5 of an f_max CPU's work: 1500 MHz (0.5) covers it,
  // 2000 would be more than needed, 1000 (0.33) too little. Nothing is decided before the 20 ms period ends
  const pas = new PasGovernor(profile, 20, 0);
  for (let i = 0; i < 19; i++) assert.equal(pas.step(0.5, 1, 0), -1);
  assert.equal(pas.step(0.5, 1, 0), 3);
  // at 1500 MHz the same work keeps the CPU 90 % busy: 0.9 × 0.5 = 0.45 — still 1500, no change
  assert.equal(drive(new PasGovernor(profile, 20, 0), 0.9, 100, 3), 3);
  // ondemand, fed the same 90 % at 1500, reads it as time above its 80 % threshold and jumps to P0
  assert.equal(drive(new OndemandGovernor(profile), 0.9, 10, 3), 0);
});

test('PAS: a CPU with no idle moment in the period may be holding demand back, so it goes to P0', () => {
  assert.equal(drive(new PasGovernor(profile, 20, 0), 1, 20, 3), 0);
  // armed 5 ms late: the first period ends at 25 ms
  const late = new PasGovernor(profile, 20, 5);
  for (let i = 0; i < 24; i++) assert.equal(late.step(1, 1, 3), -1);
  assert.equal(late.step(1, 1, 3), 0);
});

test('PAS weights busy time by the frequency the core ran at, not the one requested: turbo raises the load, a power limit lowers it', () => {
  // P0 requested, the core turbos at 4500 MHz = 1.5 f_max: half busy is 0.75 of an f_max CPU → 2500 (0.83)
  const turbo = new PasGovernor(profile, 20, 0);
  for (let i = 0; i < 19; i++) turbo.step(0.5, 1, 0, 4500);
  assert.equal(turbo.step(0.5, 1, 0, 4500), 1);
  // held at 1800 MHz by a power limit: 0.5 × 0.6 = 0.3 → 1000 (0.33)
  const held = new PasGovernor(profile, 20, 0);
  for (let i = 0; i < 19; i++) held.step(0.5, 1, 0, 1800);
  assert.equal(held.step(0.5, 1, 0, 1800), 4);
});
