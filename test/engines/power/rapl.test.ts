import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RaplLimiter } from '../../../engines/power/rapl.ts';
import { simulatePower } from '../../../engines/power/simulate.ts';
import { defaultPowerEngine } from '../../../engines/power/engine-options.ts';
import type { PowerScenario } from '../../../engines/power/types.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { saturating } from '../../../workloads/power/traces.ts';

test('the long-term average crosses PL1 after the step its exponential average says, and the ceiling drops one point', () => {
  // 12 W from an average of 0 with τ = 100 ms: after n 1 ms steps the average is 12 (1 − 0.99ⁿ), over 10 W once
  // 0.99ⁿ < 1/6: n = 179 (0.99¹⁷⁸ = 0.1671, 0.99¹⁷⁹ = 0.1655). PL2 (100 W) never binds
  const rapl = new RaplLimiter({ pl1Watts: 10, tauMs: 100, pl2Watts: 100, pl2WindowMs: 10 }, 3);
  for (let n = 0; n < 178; n++) rapl.step(12, 1);
  assert.equal(rapl.ceiling, 0);
  rapl.step(12, 1);
  assert.equal(rapl.ceiling, 1);
  // below the limits again, it climbs back one point per step
  rapl.step(0, 1);
  assert.equal(rapl.ceiling, 0);
});

test('PL2 binds over its short window before the long-term average gets there', () => {
  // 50 W against PL2 = 40 W over 10 ms: 50 (1 − 0.9ⁿ) > 40 once 0.9ⁿ < 0.2, n = 16 (0.9¹⁵ = 0.206, 0.9¹⁶ = 0.185)
  const rapl = new RaplLimiter({ pl1Watts: 45, tauMs: 1000, pl2Watts: 40, pl2WindowMs: 10 }, 3);
  for (let n = 0; n < 15; n++) rapl.step(50, 1);
  assert.equal(rapl.ceiling, 0);
  rapl.step(50, 1);
  assert.equal(rapl.ceiling, 1);
});

for (const design of ['xen', 'kvm'] as const) {
  test(`${design}: a PL1 that binds after τ holds the core at a frequency mix whose power is at most PL1`, () => {
    const profile = getProfile('intel-modern').power;
    const scenario: PowerScenario = {
      id: 'pl1',
      title: 'one busy core under PL1',
      description: 'test scenario',
      cpus: 1,
      durationMs: 2000,
      rapl: { pl1Watts: 7.5, tauMs: 100, pl2Watts: 100, pl2WindowMs: 10 },
      vms: [{ id: 'vm', cpu: 0, booked: 1, cap: null, weight: 256, deadlineMs: null }],
      traces: () => [saturating(2000, 2)],
    };
    const run = simulatePower({ scenario, traces: scenario.traces(0), profile, engine: defaultPowerEngine(design), policy: 'performance' });
    // A busy core at P0 draws 2 + 1.5 + 4.5 = 8 W; its average from 0 passes 7.5 W when 0.99ⁿ < 1/16, n = 276:
    // the first two 100 ms buckets are all P0
    const mhz = run.freqTrace.mhzByCpu[0];
    assert.deepEqual(mhz.slice(0, 2), [2500, 2500]);
    // after that the limit holds it between P0 and P1 (2200 MHz at 0.94 V: 2 + 1.5 × 0.94 + 4.5 × 0.94² × 0.88 =
    // 6.909 W). A share x at P0 draws 8x + 6.909 (1 − x); from the mean frequency f, x = (f − 2200) / 300
    const steady = mhz.slice(5);
    const f = steady.reduce((s, m) => s + m, 0) / steady.length;
    const x = (f - 2200) / 300;
    const watts = 8 * x + 6.909 * (1 - x);
    assert.ok(x > 0 && x < 1, `mean ${f} MHz`);
    // the average sits at PL1: within 0.1 W (rounding of the trace to whole MHz, one step's lag)
    assert.ok(watts <= 7.5 + 0.1 && watts >= 7.5 - 0.1, `${watts.toFixed(3)} W at ${f} MHz`);
    // the core asked for P0 throughout; the limit held it slower some of the time
    assert.ok(run.raplThrottled > 0.3 && run.raplThrottled < 0.7, `${run.raplThrottled}`);
  });
}
