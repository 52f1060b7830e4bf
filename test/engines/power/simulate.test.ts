import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulatePower } from '../../../engines/power/simulate.ts';
import { defaultPowerEngine } from '../../../engines/power/engine-options.ts';
import type { PowerEngine, PowerScenario } from '../../../engines/power/types.ts';
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
    const run = simulatePower({ scenario: cappedBesideIdle, traces: cappedBesideIdle.traces(3), profile, engine: { ...defaultPowerEngine('xen'), xenScheduler }, policy: 'performance' });
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
      const run = simulatePower({ scenario, traces: scenario.traces(3), profile, engine: defaultPowerEngine(design), policy: 'dvfs-aware-credits' });
      const got = run.vms[0].deliveredOfBookedPct;
      assert.ok(Math.abs(got - 100) <= 3, `cap ${cap}: ${got.toFixed(1)} % of the booking`);
    }
  });
}

for (const design of ['xen', 'kvm'] as const) {
  test(`${design}: f_max is P0, not the turbo limit — DVFS-aware charging takes turbo cycles off the capped VM's booking too`, () => {
    // turbo on, the capped VM (0.5) and its idle neighbour on one core: at most 2 active cores, 3800 MHz on
    // intel-modern. Under performance the cap is time, 5 ms of every 10 at 3800/2500 = 1.52 f_max: 152 % of
    // the booking. Charged at f/f_max = 1.52 it gets 5 / 1.52 = 3.3 ms a period: its booking, no more — a
    // booking at the turbo limit could not be kept once more cores are active
    const profile = getProfile('intel-modern').power;
    const scenario: PowerScenario = { ...cappedBesideIdle, turbo: true, vms: [{ ...cappedBesideIdle.vms[0], booked: 0.5, cap: 0.5 }, cappedBesideIdle.vms[1]] };
    const got = (policy: 'performance' | 'dvfs-aware-credits') =>
      simulatePower({ scenario, traces: scenario.traces(3), profile, engine: defaultPowerEngine(design), policy }).vms[0].deliveredOfBookedPct;
    assert.ok(got('performance') > 145, `performance: ${got('performance').toFixed(1)} %`);
    assert.ok(Math.abs(got('dvfs-aware-credits') - 100) <= 3, `dvfs-aware: ${got('dvfs-aware-credits').toFixed(1)} %`);
  });
}

/** one VM alone on one CPU for 1 s, with `perMs` f_max-ms of work arriving every millisecond */
function alone(booked: number, cap: number | null, perMs: number): PowerScenario {
  return {
    id: 'alone',
    title: 'one VM on one CPU',
    description: 'test scenario',
    cpus: 1,
    durationMs: 1000,
    vms: [{ id: 'vm', cpu: 0, booked, cap, weight: 256, deadlineMs: null }],
    traces: () => [saturating(1000, perMs)],
  };
}

test("xen cpufreq=dom0-kernel: Dom0's ondemand sees only Dom0's (idle) vCPU and drops a saturated CPU to the slowest P-state", () => {
  const profile = getProfile('intel-modern').power;
  const scenario = alone(1, null, 1);
  const engine = { ...defaultPowerEngine('xen'), cpufreq: 'dom0-kernel' as const };
  const run = simulatePower({ scenario, traces: scenario.traces(0), profile, engine, policy: 'host-only' });
  // Dom0's Linux ondemand samples every 10 ms: at 10 ms it reads 0 % load (Dom0's vCPU was blocked) and asks
  // 0 × f / 70 % → the slowest state, 1000 MHz, once. The VM did 10 f_max-ms at P0, then 990 ms at 1000/2500 less
  // the 10 µs transition: 10 + (990 − 0.01) × 0.4 = 405.996 f_max-ms of its 1000
  assert.equal(run.cpufreq, 'dom0-kernel');
  assert.equal(run.transitions, 1);
  assert.ok(Math.abs(run.vms[0].deliveredCycles / (2500 * 1000) - 405.996) < 1e-6, `${run.vms[0].deliveredCycles}`);
  // Xen's own ondemand sees the CPU 100 % busy and keeps it at P0
  const xen = simulatePower({ scenario, traces: scenario.traces(0), profile, engine: defaultPowerEngine('xen'), policy: 'host-only' });
  assert.equal(xen.transitions, 0);
  assert.equal(xen.vms[0].deliveredCycles, 1000 * 2500 * 1000);
});

test('kvm cpufreq=hwp: the CPU follows the load every millisecond, as fast as EPP asks', () => {
  const profile = getProfile('intel-modern').power;
  // 0.5 f_max-ms every ms; halt-polling off so that busy time is the work, the C-state exit and the transitions
  const scenario = alone(0.5, null, 0.5);
  const run = (epp: 'performance' | 'balance_power' | 'power') =>
    simulatePower({ scenario, traces: scenario.traces(0), profile, engine: { ...defaultPowerEngine('kvm'), cpufreq: 'hwp', epp, haltPoll: false }, policy: 'host-only' });
  // EPP 0: busy → P0, never anything else
  assert.equal(run('performance').transitions, 0);
  // EPP 192 at P0: 0.5 ms of work + C1E's 10 µs exit (the 0.5 ms idle gap is too short for C6's 600 µs
  // residency) = 0.51 ms busy → 2500 × 0.51 / 0.75 = 1700 → 1900 MHz. There the work takes 0.5 × 2500/1900 =
  // 0.658 ms, + 10 µs exit = 0.668 ms → 1900 × 0.668 / 0.75 = 1692 → 1900 again: one transition, then 1900 MHz
  const balancePower = run('balance_power');
  assert.equal(balancePower.transitions, 1);
  assert.equal(balancePower.residency['1900'], 0.999);
  // EPP 255: 2500 × 0.51 × 256/255 = 1280 → 1300 MHz; there 0.5 × 2500/1300 + 0.01 = 0.972 ms busy →
  // 1300 × 0.972 × 256/255 = 1268 → 1300 again
  const power = run('power');
  assert.equal(power.transitions, 1);
  assert.equal(power.residency['1300'], 0.999);
  // every request is still served: the work fits each millisecond at 1300 MHz
  assert.ok(Math.abs(power.vms[0].deliveredOfBookedPct - 100) < 1e-9);
});

test('kvm cpufreq=amd-pstate: CPPC autonomous mode is the same mechanism with the same EPP values, on a part that has CPPC', () => {
  // a Zen 2-like part: intel-modern's P-states with CPPC instead of HWP
  const profile = { ...getProfile('intel-modern').power, autonomous: 'cppc' as const };
  const scenario = alone(0.5, null, 0.5);
  const run = simulatePower({ scenario, traces: scenario.traces(0), profile, engine: { ...defaultPowerEngine('kvm'), cpufreq: 'amd-pstate', epp: 'balance_power', haltPoll: false }, policy: 'host-only' });
  // as hwp at EPP 192 above: one step down to 1900 MHz after the first millisecond
  assert.equal(run.cpufreq, 'amd-pstate');
  assert.equal(run.hostGovernor, 'autonomous');
  assert.equal(run.transitions, 1);
  assert.equal(run.residency['1900'], 0.999);
});

test("kvm guestcpufreq=virtual-cpufreq: the guest's request is a floor under the host's schedutil while its vCPU runs", () => {
  const profile = getProfile('intel-modern').power;
  // a VM capped at half a CPU (CFS quota: 50 ms of every 100 ms), always wanting more
  const scenario = alone(0.5, 0.5, 1);
  const simulate = (engine: PowerEngine, policy: 'host-only' | 'guest-host-conflict') =>
    simulatePower({ scenario, traces: scenario.traces(0), profile, engine, policy });
  // host-only: the VM runs its first 10 ms at P0, then schedutil sees 50 % busy at f ∝ util and settles at
  // 1000 MHz: 10 + 490 × 0.4 = 206 f_max-ms of the 500 booked (the transition's 10 µs falls in throttled time)
  const hostOnly = simulate(defaultPowerEngine('kvm'), 'host-only');
  assert.ok(Math.abs(hostOnly.vms[0].deliveredCycles / (2500 * 1000) - 206) < 1e-6, `${hostOnly.vms[0].deliveredCycles}`);
  // the guest counts its throttled time as steal, i.e. busy: its schedutil climbs to P0 (1000 → … → 2500 MHz,
  // one request per step of 1.25×) and stays. Each time the vCPU runs again the floor lifts the CPU to P0 after
  // its first millisecond, so the VM gets nearly all its booking: more than 90 %, against 41 % without
  const vcpufreq = simulate({ ...defaultPowerEngine('kvm'), guestCpufreq: 'virtual-cpufreq' }, 'guest-host-conflict');
  assert.equal(vcpufreq.guestGovernor, 'schedutil');
  assert.ok(vcpufreq.guestRequests > 0 && vcpufreq.guestRequests <= 6, `${vcpufreq.guestRequests} requests`);
  assert.ok(vcpufreq.vms[0].deliveredOfBookedPct > 90, `${vcpufreq.vms[0].deliveredOfBookedPct} %`);
});

test('xen sched=credit reaches the simulation', () => {
  const profile = getProfile('intel-modern').power;
  const run = simulatePower({ scenario: cappedBesideIdle, traces: cappedBesideIdle.traces(3), profile, engine: { ...defaultPowerEngine('xen'), label: 'xen:sched=credit', xenScheduler: 'credit' }, policy: 'host-only' });
  assert.equal(run.scheduler, 'credit');
  assert.equal(run.engine, 'xen:sched=credit');
});
