import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulatePower } from '../../../engines/power/simulate.ts';
import type { PowerScenario } from '../../../engines/power/types.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { periodic, saturating } from '../../../workloads/power/traces.ts';
import { Rng } from '../../../engines/rng.ts';

const DURATION_MS = 3000;

/** a busy VM capped at 0.9 and an idle neighbour (0.1–0.3 ms every 10 ± 2 ms) on one CPU, equal weights */
const cappedBesideIdle: PowerScenario = {
  id: 'capped-beside-idle',
  title: 'capped 0.9 beside an idle VM',
  description: 'test scenario',
  cpus: 1,
  durationMs: DURATION_MS,
  vms: [
    { id: 'capped', cpu: 0, booked: 0.9, cap: 0.9, weight: 256, deadlineMs: null },
    { id: 'idle', cpu: 0, booked: 0.1, cap: null, weight: 256, deadlineMs: null },
  ],
  traces: (seed) => [saturating(DURATION_MS, 1), periodic(new Rng(seed), DURATION_MS, 10, 2, 0.1, 0.3)],
};

for (const xenScheduler of ['credit2', 'credit'] as const) {
  test(`xen ${xenScheduler} under performance: a VM capped at 0.9 beside an idle VM gets ≥ 85 % of the CPU`, () => {
    const profile = getProfile('intel-modern').power;
    const run = simulatePower({ scenario: cappedBesideIdle, traces: cappedBesideIdle.traces(3), profile, design: 'xen', policy: 'performance', xenScheduler });
    assert.equal(run.scheduler, xenScheduler);
    // a CPU at P0 for the whole run executes duration × f_max cycles; the weight share would be 50 % of it
    const cpuCycles = DURATION_MS * profile.pStates[0].mhz * 1000;
    const share = run.vms[0].deliveredCycles / cpuCycles;
    assert.ok(share >= 0.85 && share <= 0.9 + 0.005, `capped VM got ${(100 * share).toFixed(1)} % of the CPU`);
    // the idle neighbour still gets everything it asked for
    assert.ok(run.vms[1].deliveredCycles >= run.vms[1].demandCycles * 0.999);
  });
}

for (const design of ['xen', 'kvm'] as const) {
  test(`${design}: DVFS-aware charging restores caps of 0.5, 0.7 and 0.9 to within 3 points of the booking`, () => {
    const profile = getProfile('intel-modern').power;
    for (const cap of [0.5, 0.7, 0.9]) {
      const scenario: PowerScenario = {
        ...cappedBesideIdle,
        vms: [{ ...cappedBesideIdle.vms[0], booked: cap, cap }, cappedBesideIdle.vms[1]],
      };
      const run = simulatePower({ scenario, traces: scenario.traces(3), profile, design, policy: 'dvfs-aware-credits' });
      const got = run.vms[0].deliveredOfBookedPct;
      assert.ok(Math.abs(got - 100) <= 3, `cap ${cap}: ${got.toFixed(1)} % of the booking`);
    }
  });
}
