import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPowerSuite, powerMetrics, powerCsvRows, powerResultsSchema } from '../../../engines/power/index.ts';
import { scenarioProblem } from '../../../engines/power/suite.ts';
import { powerWorkloads } from '../../../workloads/power/index.ts';
import type { PowerResults, PowerRun } from '../../../engines/power/types.ts';
import { getProfile, listProfiles } from '../../../engines/machine/profiles/index.ts';

const results = runPowerSuite({ profile: getProfile('intel-modern'), seed: 7 });

function run(r: PowerResults, scenario: string, design: string, policy: string): PowerRun {
  const found = r.runs.find((x) => x.scenario === scenario && x.design === design && x.policy === policy);
  assert.ok(found, `${scenario}/${design}/${policy}`);
  return found;
}

function busyShare(r: PowerResults, design: string, policy: string): number {
  return run(r, 'hagimont-capped', design, policy).vms.find((v) => v.vm === 'busy')!.deliveredOfBookedPct;
}

for (const profile of listProfiles()) {
  const r = profile.id === 'intel-modern' ? results : runPowerSuite({ profile, seed: 7, seeds: 1, phases: 1 });
  for (const design of ['xen', 'kvm']) {
    test(`${profile.id} ${design}: a load-driven governor shortchanges the busy capped VM where a slower P-state fits its load; DVFS-aware credits restore its booking`, () => {
      if (profile.id === 'core2-2007' && design === 'xen') {
        // two P-states, 3000 and 2000 MHz: credit2's budget runs the capped VM 5 ms of every 10 ms, a 50 %
        // load, for which ondemand asks 0.5 × 3000 / 0.7 = 2143 MHz; RELATION_L rounds that up to 3000
        // — but Hagimont et al.'s PAS reads the same load as 0.5 of an f_max CPU, which 2000 MHz (0.67) covers:
        // the VM runs 75 % of the time at 2000 with its credits compensated, gets its booking, and with no
        // package C-state on this part to reward racing to idle, for less energy than performance (the paper's direction)
        assert.ok(busyShare(r, design, 'host-only') > 99, `host-only gave ${busyShare(r, design, 'host-only')} %`);
        assert.ok(busyShare(r, design, 'dvfs-aware-credits') > 99, `dvfs-aware gave ${busyShare(r, design, 'dvfs-aware-credits')} %`);
        assert.ok(run(r, 'hagimont-capped', design, 'dvfs-aware-credits').residency['2000'] > 0.5);
        assert.ok(run(r, 'hagimont-capped', design, 'dvfs-aware-credits').energyJ < run(r, 'hagimont-capped', design, 'performance').energyJ);
        return;
      }
      assert.ok(busyShare(r, design, 'host-only') < 90, `host-only gave ${busyShare(r, design, 'host-only')} %`);
      const restored = busyShare(r, design, 'dvfs-aware-credits');
      assert.ok(restored > 97 && restored <= 100.5, `dvfs-aware gave ${restored} %`);
      assert.ok(busyShare(r, design, 'performance') > 99);
      const energy = (p: string) => run(r, 'hagimont-capped', design, p).energyJ;
      // it does 2.5 times the busy VM's work of host-only: that cannot come for less energy
      assert.ok(energy('dvfs-aware-credits') > energy('host-only'));
      assert.ok(run(r, 'hagimont-capped', design, 'host-only').fairness < run(r, 'hagimont-capped', design, 'dvfs-aware-credits').fairness);
    });
  }
}

test("the full Hagimont fix on xen: PAS sets the slowest P-state covering the f_max-normalised load; where package C6 rewards racing, that costs energy", () => {
  // intel-modern: CPU 0's absolute load is the busy VM's 0.5 of an f_max CPU plus its idle neighbour's
  // ~0.02 and the C-state exits: above 1300 MHz's 0.52, within 1600's 0.64. There the compensated credits run
  // the busy VM 0.5 / 0.64 = 78 % of the time, and it gets its booking
  const pas = run(results, 'hagimont-capped', 'xen', 'dvfs-aware-credits');
  assert.equal(pas.hostGovernor, 'pas');
  const cpu0 = [...pas.freqTrace.mhzByCpu[0]].sort((a, b) => a - b);
  assert.equal(cpu0[Math.floor(cpu0.length / 2)], 1600);
  assert.ok(busyShare(results, 'xen', 'dvfs-aware-credits') > 99);
  // racing at P0 leaves CPU 0 idle half the time, mostly while CPU 1 is idle too: package C6 gates the uncore
  // (2 − 0.2 W per core) — more than the 1600 MHz run saves in V² (this model's answer; the paper measured a
  // saving against performance, as core2-2007, which has no package C-state, shows above)
  assert.ok(pas.energyJ > run(results, 'hagimont-capped', 'xen', 'performance').energyJ);
});

test("VirtualPower (the paper's direction): consolidation saves most of the energy, the local rules little; the packed VMs still get their work done", () => {
  for (const design of ['xen', 'kvm']) {
    const spreadPerf = run(results, 'vpm-spread', design, 'performance');
    const spreadVpm = run(results, 'vpm-spread', design, 'soft-pstates');
    const packed = run(results, 'vpm-consolidated', design, 'soft-pstates');
    // spread: four servers on, 4 × 40 W × 5 s = 800 J of platform alone; the eight VMs' ~1.4 CPUs of work
    // packed onto one server's two CPUs leave three servers off: 200 J of platform
    const scenario = results.scenarios.find((s) => s.id === 'vpm-consolidated')!;
    const perHost = scenario.cpus / scenario.hosts;
    assert.equal(new Set(scenario.vms.map((v) => Math.floor(v.cpu / perHost))).size, 1);
    assert.ok(spreadPerf.energyJ - packed.energyJ > 600, `${design}: spread ${spreadPerf.energyJ} J, consolidated ${packed.energyJ} J`);
    const localSaving = spreadPerf.energyJ - spreadVpm.energyJ;
    assert.ok(spreadVpm.energyJ - packed.energyJ > 10 * Math.abs(localSaving), `${design}: local rules saved ${localSaving} J`);
    // the same requests; two CPUs at ~70 % still finish nearly all of them within the run
    for (let v = 0; v < packed.vms.length; v++) {
      assert.equal(packed.vms[v].demandCycles, spreadVpm.vms[v].demandCycles);
      assert.ok(packed.vms[v].completed >= 0.98 * spreadVpm.vms[v].completed, `${design} ${packed.vms[v].vm}`);
    }
    // the price: four bursty VMs to a CPU queue behind each other, and their 30 ms objective is missed far more often
    const misses = (r: PowerRun) => r.vms.reduce((n, x) => n + x.slaMisses, 0);
    assert.ok(misses(packed) > 10 * Math.max(1, misses(spreadVpm)), `${design}: ${misses(packed)} against ${misses(spreadVpm)}`);
  }
});

test('conservation: no CPU delivers more than it could execute, no VM more than it asked; energy never below the static floor', () => {
  for (const r of results.runs) {
    const delivered = r.vms.reduce((s, v) => s + v.deliveredCycles, 0);
    assert.ok(delivered <= r.availableCycles * (1 + 1e-9), `${r.scenario}/${r.design}/${r.policy}`);
    for (const v of r.vms) assert.ok(v.deliveredCycles <= v.demandCycles * (1 + 1e-9));
    assert.ok(r.energyJ >= r.staticFloorJ);
    const residency = Object.values(r.residency).reduce((s, x) => s + x, 0);
    assert.ok(Math.abs(residency - 1) < 1e-9);
  }
});

test('performance never transitions, unless turbo or a power limit moves the frequency under it', () => {
  const fixed = new Set(results.scenarios.filter((s) => !s.turbo && s.rapl === null).map((s) => s.id));
  for (const r of results.runs.filter((x) => x.policy === 'performance' && fixed.has(x.scenario))) assert.equal(r.transitions, 0);
  assert.ok(run(results, 'turbo-race', 'xen', 'performance').transitions > 0, 'turbo limits follow the active cores');
});

test('turbo: racing at the turbo limit costs energy per unit of work that racing at base does not', () => {
  // per f_max-ms of work on intel-modern: at base 1 ms at 8 W = 8 mJ; at 3800 MHz (1.26 V) 1/1.52 ms at
  // 2 + 1.5 × 1.26 + 4.5 × 1.26² × 1.52 = 14.749 W = 9.70 mJ (at 3600 MHz, 1.22 V: 13.475 W / 1.44 = 9.36 mJ);
  // crawling at 1000 MHz 2.5 ms at 3.932 W = 9.83 mJ. Racing at base beats the lowest P-state; at turbo the
  // margin is a sixth of it, and the idle it buys must pay for the V². Jobs finish sooner the faster the race
  for (const design of ['xen', 'kvm']) {
    const turbo = run(results, 'turbo-race', design, 'performance');
    const base = run(results, 'base-race', design, 'performance');
    const crawl = run(results, 'base-race', design, 'powersave');
    assert.ok(base.energyJ < crawl.energyJ, `${design}: base ${base.energyJ} J, powersave ${crawl.energyJ} J`);
    assert.ok(base.energyJ < turbo.energyJ, `${design}: base ${base.energyJ} J, turbo ${turbo.energyJ} J`);
    for (let v = 0; v < 4; v++) assert.ok(turbo.vms[v].p95LatencyMs < base.vms[v].p95LatencyMs, `${design} job-${v + 1}`);
    // the same requests arrive whatever the frequency: turbo cannot change what was asked for
    assert.deepEqual(turbo.vms.map((x) => x.demandCycles), base.vms.map((x) => x.demandCycles));
  }
});

test('RAPL: the package limit binds, slows every core, and costs the VMs whose booking assumed the full clock', () => {
  const scenario = results.scenarios.find((s) => s.id === 'rapl-capped')!;
  assert.ok(scenario.rapl !== null && scenario.turbo);
  for (const design of ['xen', 'kvm']) {
    const r = run(results, 'rapl-capped', design, 'performance');
    // 4 busy cores at 3600 MHz draw 4 × 13.475 = 53.9 W, at base 32 W: over the 30 W limit either way
    assert.ok(r.raplThrottled > 0.3, `${design}: throttled ${r.raplThrottled}`);
    // starting from an idle package the long-term average reaches PL1 only after about τ ln(PL2 / (PL2 − PL1))
    // = 1 s × ln 4 = 1.4 s at PL2; after that it holds PL1. Over 10 s: between PL1 and (1.4 × 40 + 8.6 × 30) / 10
    assert.ok(r.avgPowerW > 30 && r.avgPowerW <= 31.4 + 0.2, `${design}: ${r.avgPowerW} W`);
    // the batch VMs ask exactly their booking (1 f_max-ms a ms): held below f_max part of the time, they lose
    const batch = r.vms.find((x) => x.vm === 'batch-1')!;
    assert.ok(batch.deliveredOfBookedPct < 100, `${design}: batch-1 ${batch.deliveredOfBookedPct} %`);
  }
});

test('race to idle: with package C6, P0 beats the lowest P-state where the package can idle, not where it cannot', () => {
  // intel-modern per f_max-ms of work: at P0 1 ms at 2 + 1.5 + 4.5 = 8 W; at 1000 MHz (0.7 V) 2.5 ms at
  // 2 + 1.5 × 0.7 + 4.5 × 0.49 × 0.4 = 3.932 W = 9.83 mJ, against P0's 8 mJ plus 1.5 ms of package C6 at
  // 0.2 + 0.1 W = 8.45 mJ. bursty-web leaves both CPUs idle most of the time: racing wins, on both designs
  for (const design of ['xen', 'kvm']) {
    assert.ok(run(results, 'bursty-web', design, 'performance').energyJ < run(results, 'bursty-web', design, 'powersave').energyJ, design);
  }
  // batch-latency's CPU is never idle, so there is no idle to race to: 8 W against 3.932 W all the time
  for (const design of ['xen', 'kvm']) {
    assert.ok(run(results, 'batch-latency', design, 'powersave').energyJ < run(results, 'batch-latency', design, 'performance').energyJ, design);
  }
});

test("guest governors: Xen discards their PERF_CTL writes, so nothing changes; a hypothetical pass-through on KVM multiplies transitions", () => {
  const xenConflict = run(results, 'batch-latency', 'xen', 'guest-host-conflict');
  const xenHost = run(results, 'batch-latency', 'xen', 'host-only');
  assert.ok(xenConflict.guestRequests > 0, 'the guests still ask');
  assert.equal(xenConflict.transitions, xenHost.transitions);
  assert.deepEqual(xenConflict.vms, xenHost.vms);
  assert.equal(xenConflict.energyJ, xenHost.energyJ);
  const kvmConflict = run(results, 'batch-latency', 'kvm', 'guest-host-conflict');
  const kvmHost = run(results, 'batch-latency', 'kvm', 'host-only');
  assert.ok(kvmConflict.transitions > 10 * Math.max(1, kvmHost.transitions));
  assert.equal(kvmHost.guestRequests, 0);
});

test('soft P-states keep the busy capped VM at its booking (it asks for P0)', () => {
  for (const design of ['xen', 'kvm']) assert.ok(busyShare(results, design, 'soft-pstates') > 99);
});

test('every result is repeated over 5 seeds with a 95 % interval; the Hagimont loss holds on both designs across them', () => {
  assert.equal(results.stats.length, results.runs.length);
  for (const s of results.stats) {
    assert.deepEqual(s.seeds, [7, 8, 9, 10, 11]);
    assert.ok(s.energyJ.lo <= s.energyJ.mean && s.energyJ.mean <= s.energyJ.hi);
  }
  for (const design of ['xen', 'kvm']) {
    const stat = (policy: string) => results.stats.find((x) => x.scenario === 'hagimont-capped' && x.design === design && x.policy === policy)!;
    const busy = (policy: string) => stat(policy).vms.find((v) => v.vm === 'busy')!.deliveredOfBookedPct;
    assert.ok(busy('host-only').hi < 90, `${design} host-only ${JSON.stringify(busy('host-only'))}`);
    assert.ok(busy('dvfs-aware-credits').lo > 97, `${design} dvfs-aware ${JSON.stringify(busy('dvfs-aware-credits'))}`);
  }
});

test('a fixed governor makes no decision, so its results cannot depend on the sampling phase', () => {
  for (const s of results.stats.filter((x) => x.policy === 'performance' || x.policy === 'powersave')) {
    assert.deepEqual(s.phase.offsetsMs, [0, 5, 10, 15]); // Xen's 20 ms sampling period in quarters
    assert.equal(s.phase.deliveredSpreadPts, 0);
    assert.equal(s.phase.energySpreadPct, 0);
    assert.equal(s.phase.robust, true);
  }
});

test('deterministic from the seed', () => {
  const again = runPowerSuite({ profile: getProfile('intel-modern'), seed: 7, seeds: 1, phases: 1 });
  assert.deepEqual(again.runs, results.runs);
  const other = runPowerSuite({ profile: getProfile('intel-modern'), seed: 8, seeds: 1, phases: 1 });
  assert.notDeepEqual(run(other, 'bursty-web', 'xen', 'host-only').vms, run(results, 'bursty-web', 'xen', 'host-only').vms);
});

test('the zod schema accepts the results and survives a JSON round trip', () => {
  const parsed = powerResultsSchema.parse(JSON.parse(JSON.stringify(results)));
  assert.deepEqual(parsed, JSON.parse(JSON.stringify(results)));
  assert.throws(() => powerResultsSchema.parse({ ...results, schema: 'nope' }));
});

test('flat exports: CSV rows per VM and run, compare metrics by dotted key', () => {
  const rows = powerCsvRows(results);
  assert.equal(rows.length, results.runs.reduce((s, r) => s + r.vms.length, 0));
  const metrics = powerMetrics(results);
  const r = run(results, 'hagimont-capped', 'xen', 'host-only');
  assert.equal(metrics['power.hagimont-capped.xen.host-only.energyJ'], r.energyJ);
  assert.equal(metrics['power.hagimont-capped.xen.host-only.vm.busy.deliveredOfBookedPct'], r.vms[0].deliveredOfBookedPct);
  for (const value of Object.values(metrics)) assert.ok(Number.isFinite(value));
});

test('a scenario that would loop past the limits, or pins a VM to a missing CPU, is refused before it runs', () => {
  const [base] = powerWorkloads;
  const traces = base.traces(7);
  // the built-ins fit: hagimont-capped is 10,000 ms × (2 CPUs + 4 VMs) = 60,000 steps
  for (const s of powerWorkloads) assert.equal(scenarioProblem(s, s.traces(7)), null, s.id);
  // 10^12 ms on 2 CPUs with 4 VMs: 6 × 10^12 steps
  const long = { ...base, durationMs: 1e12 };
  assert.equal(scenarioProblem(long, traces), 'durationMs / 1 ms × (cpus + vms) = 6000000000000 steps; the limit is 1000000');
  assert.throws(() => runPowerSuite({ profile: getProfile('intel-modern'), seed: 7, scenarios: [long] }), /power scenario hagimont-capped: durationMs/);
  const stray = { ...base, vms: base.vms.map((vm, i) => (i === 0 ? { ...vm, cpu: 2 } : vm)) };
  assert.match(scenarioProblem(stray, traces) ?? '', /pinned to cpu 2, which a 2-CPU host does not have/);
  const flood = [{ arrivalMs: new Float64Array(1e6 + 1), work: new Float64Array(1e6 + 1) }, ...traces.slice(1)];
  assert.match(scenarioProblem(base, flood) ?? '', /^\d+ requests in the demand traces; the limit is 1000000$/);
});
