import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OperatingPoints } from '../../../engines/power/operating-points.ts';
import { simulatePower } from '../../../engines/power/simulate.ts';
import { defaultPowerEngine } from '../../../engines/power/engine-options.ts';
import { validatePowerProfile } from '../../../engines/power/p-states.ts';
import type { PowerScenario } from '../../../engines/power/types.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { saturating } from '../../../workloads/power/traces.ts';

const intel = getProfile('intel-modern').power;

test('a P0 request turbos to the limit of its active-core group; other requests are granted as they are', () => {
  // intel-modern's groups: ≤ 2 active 3800 MHz, ≤ 4 3600, ≤ 28 3200; points 3800, 3600, 3200, then P0 2500 …
  const ops = new OperatingPoints(intel, true, 30);
  assert.deepEqual(ops.points.map((p) => p.mhz), [3800, 3600, 3200, 2500, 2200, 1900, 1600, 1300, 1000]);
  assert.deepEqual([1, 2, 3, 4, 5, 28, 29].map((k) => ops.points[ops.granted(0, k)].mhz), [3800, 3800, 3600, 3600, 3200, 3200, 3200]);
  // P1 is 2200 MHz whatever the number of active cores
  assert.equal(ops.points[ops.granted(1, 1)].mhz, 2200);
  // turbo off: P0 is the base clock
  const off = new OperatingPoints(intel, false, 4);
  assert.equal(off.points[off.granted(0, 1)].mhz, 2500);
  assert.equal(off.ofPState(0), 0);
});

test('a turbo table must slow down as active cores grow, above P0', () => {
  const bad = { ...intel, turbo: [{ activeCores: 2, mhz: 3600, volts: 1.22 }, { activeCores: 4, mhz: 3800, volts: 1.26 }] };
  assert.match(validatePowerProfile(bad).join('; '), /turbo\[1\] must cover more active cores/);
  const below = { ...intel, turbo: [{ activeCores: 2, mhz: 2400, volts: 1.0 }] };
  assert.match(validatePowerProfile(below).join('; '), /turbo\[0\] is not faster than P0/);
  for (const id of ['intel-modern', 'amd-modern', 'core2-2007']) assert.deepEqual(validatePowerProfile(getProfile(id).power), [], id);
});

/** `n` saturated VMs, one per CPU, for 1 s under `performance` */
function saturated(n: number, turbo: boolean): PowerScenario {
  return {
    id: 'saturated',
    title: 'busy CPUs',
    description: 'test scenario',
    cpus: n,
    durationMs: 1000,
    turbo,
    vms: Array.from({ length: n }, (_, c) => ({ id: `vm${c}`, cpu: c, booked: 1, cap: null, weight: 256, deadlineMs: null })),
    traces: () => Array.from({ length: n }, () => saturating(1000, 2)),
  };
}

for (const design of ['xen', 'kvm'] as const) {
  test(`${design}: with turbo on, one busy core runs at the 1–2-core limit, three at the 3–4-core limit`, () => {
    const run = (n: number, turbo: boolean) =>
      simulatePower({ scenario: saturated(n, turbo), traces: saturated(n, turbo).traces(0), profile: intel, engine: defaultPowerEngine(design), policy: 'performance' });
    // one core: the first step already counts itself active → 3800 MHz, after the 10 µs switch from base:
    // (1000 − 0.01) ms × 3800/2500 = 1519.9848 f_max-ms
    const one = run(1, true);
    assert.equal(one.transitions, 1);
    assert.ok(Math.abs(one.vms[0].deliveredCycles / 2.5e6 - 1519.9848) < 1e-6, `${one.vms[0].deliveredCycles / 2.5e6}`);
    // it draws static 2 + leakage 1.5 × 1.26 + switching 4.5 × 1.26² × 3800/2500 = 2 + 1.89 + 10.859184 = 14.749184 W for 1 s
    assert.ok(Math.abs(one.energyJ - 14.749184) < 1e-6, `${one.energyJ}`);
    // three cores: in the first step none was active before, so each counts only itself (3800 MHz); from the
    // second, three are → 3600 MHz, a second switch. (1 − 0.01) × 1.52 + (999 − 0.01) × 1.44 = 1440.0504
    const three = run(3, true);
    assert.equal(three.transitions, 6);
    for (const vm of three.vms) assert.ok(Math.abs(vm.deliveredCycles / 2.5e6 - 1440.0504) < 1e-6, `${vm.deliveredCycles / 2.5e6}`);
    // turbo off: the base clock, 1000 f_max-ms, no switch
    const base = run(1, false);
    assert.equal(base.transitions, 0);
    assert.equal(base.vms[0].deliveredCycles, 1000 * 2.5e6);
  });
}
