// The power suite: every scenario × engine × policy, for one profile, over several seeds and sampling
// phases. This is what `hvbench run` calls to fill the `power` section of results.json.
import type { DemandTrace, PowerEngine, PowerPolicyId, PowerProfile, PowerResults, PowerRun, PowerRunStats, PowerScenario } from './types.ts';
import { powerWorkloads } from '../../workloads/power/index.ts';
import { POWER_POLICIES } from './policies.ts';
import { simulatePower, STEP_MS } from './simulate.ts';
import { validatePowerProfile } from './p-states.ts';
import { xenOndemandTunables } from './governors/ondemand.ts';
import { interval, spread } from './stats.ts';
import { MAX_POWER_REQUESTS, MAX_POWER_SCENARIO_STEPS } from '../../harness/limits.ts';
import { defaultPowerEngine } from './engine-options.ts';

/** `xen` and `kvm` with their defaults: what the suite runs when no engines are given */
export const POWER_ENGINES: readonly PowerEngine[] = [defaultPowerEngine('xen'), defaultPowerEngine('kvm')];
/** seeds every result is repeated over: enough for a t-interval that is not dominated by t's tail */
export const POWER_SEEDS = 5;
/** sampling phases the first seed is repeated at, evenly over Xen's ondemand sampling period */
export const POWER_PHASES = 4;
/**
 * a result is robust to the sampling phase when no VM's delivered share moves by more than 2 points and
 * energy by more than 2 % across the phases: well below the tens of points the policies differ by
 */
export const PHASE_ROBUST_PTS = 2;
export const PHASE_ROBUST_PCT = 2;

export interface PowerSuiteInput {
  /** a CostProfile: only its id and power block are used */
  profile: { id: string; power: PowerProfile };
  seed: number;
  /** defaults to the `power` workload category */
  scenarios?: readonly PowerScenario[];
  /** defaults to POWER_SEEDS and POWER_PHASES */
  seeds?: number;
  phases?: number;
  /** defaults to POWER_ENGINES */
  engines?: readonly PowerEngine[];
}

/** what makes a scenario unfit to simulate: a loop past the limits, or a VM pinned to a CPU that is not there */
export function scenarioProblem(scenario: PowerScenario, traces: readonly DemandTrace[]): string | null {
  const { cpus, durationMs, vms } = scenario;
  if (!Number.isInteger(cpus) || cpus < 1) return `cpus must be a positive integer (got ${cpus})`;
  if (!(durationMs > 0)) return `durationMs must be positive (got ${durationMs})`;
  const steps = (durationMs / STEP_MS) * (cpus + vms.length);
  if (steps > MAX_POWER_SCENARIO_STEPS) {
    return `durationMs / ${STEP_MS} ms × (cpus + vms) = ${steps} steps; the limit is ${MAX_POWER_SCENARIO_STEPS}`;
  }
  const hosts = scenario.hosts ?? 1;
  if (!Number.isInteger(hosts) || hosts < 1 || cpus % hosts !== 0) return `hosts must be a positive integer dividing cpus (got ${hosts} for ${cpus} CPUs)`;
  // turbo's active cores and a power limit are a package's: this model has them for a single server only
  if (hosts > 1 && (scenario.turbo === true || scenario.rapl !== undefined)) return 'turbo and rapl need hosts = 1';
  const stray = vms.find((vm) => !Number.isInteger(vm.cpu) || vm.cpu < 0 || vm.cpu >= cpus);
  if (stray) return `vm ${stray.id} is pinned to cpu ${stray.cpu}, which a ${cpus}-CPU host does not have`;
  if (traces.length !== vms.length) return `${traces.length} demand traces for ${vms.length} VMs`;
  const requests = traces.reduce((n, t) => n + t.work.length, 0);
  if (requests > MAX_POWER_REQUESTS) return `${requests} requests in the demand traces; the limit is ${MAX_POWER_REQUESTS}`;
  return null;
}

export function runPowerSuite({ profile, seed, scenarios = powerWorkloads, seeds = POWER_SEEDS, phases = POWER_PHASES, engines = POWER_ENGINES }: PowerSuiteInput): PowerResults {
  const problems = validatePowerProfile(profile.power);
  if (problems.length > 0) throw new Error(`profile ${profile.id}: invalid power block: ${problems.join('; ')}`);
  const seedList = Array.from({ length: seeds }, (_, k) => seed + k);
  const samplingMs = xenOndemandTunables(profile.power).samplingMs;
  const offsets = Array.from({ length: phases }, (_, k) => (k * samplingMs) / phases);
  const runs: PowerRun[] = [];
  const stats: PowerRunStats[] = [];
  for (const scenario of scenarios) {
    const tracesBySeed = seedList.map((s) => scenario.traces(s));
    for (const traces of tracesBySeed) {
      const problem = scenarioProblem(scenario, traces);
      if (problem) throw new RangeError(`power scenario ${scenario.id}: ${problem}`);
    }
    for (const engine of engines) {
      for (const policy of scenario.policies ?? POWER_POLICIES) {
        const simulate = (traces: readonly DemandTrace[], phaseMs: number) =>
          simulatePower({ scenario, traces, profile: profile.power, engine, policy, phaseMs });
        const bySeed = tracesBySeed.map((traces) => simulate(traces, 0));
        const byPhase = [bySeed[0], ...offsets.slice(1).map((o) => simulate(tracesBySeed[0], o))];
        runs.push(bySeed[0]);
        stats.push(runStats(scenario, engine, policy, seedList, bySeed, byPhase, offsets));
      }
    }
  }
  return {
    schema: 'hvbench/power@5',
    profile: profile.id,
    seed,
    stepMs: STEP_MS,
    pStatesMhz: profile.power.pStates.map((s) => s.mhz),
    cStates: (profile.power.cStates ?? []).map((c) => c.name),
    scenarios: scenarios.map(({ id, title, description, cpus, durationMs, vms, turbo, rapl, hosts, platformWattsPerHost }) => ({
      id,
      title,
      description,
      cpus,
      durationMs,
      vms,
      turbo: turbo === true,
      rapl: rapl ?? null,
      hosts: hosts ?? 1,
      platformWattsPerHost: platformWattsPerHost ?? 0,
    })),
    runs,
    stats,
  };
}

function runStats(
  scenario: PowerScenario,
  engine: PowerEngine,
  policy: PowerPolicyId,
  seeds: number[],
  bySeed: readonly PowerRun[],
  byPhase: readonly PowerRun[],
  offsetsMs: number[],
): PowerRunStats {
  const deliveredSpreadPts = Math.max(...scenario.vms.map((_, v) => spread(byPhase.map((r) => r.vms[v].deliveredOfBookedPct))));
  const energies = byPhase.map((r) => r.energyJ);
  const energySpreadPct = (100 * spread(energies)) / (energies.reduce((s, e) => s + e, 0) / energies.length);
  return {
    scenario: scenario.id,
    engine: engine.label,
    design: engine.design,
    policy,
    seeds,
    energyJ: interval(bySeed.map((r) => r.energyJ)),
    fairness: interval(bySeed.map((r) => r.fairness)),
    vms: scenario.vms.map((vm, v) => ({ vm: vm.id, deliveredOfBookedPct: interval(bySeed.map((r) => r.vms[v].deliveredOfBookedPct)) })),
    phase: {
      offsetsMs,
      deliveredSpreadPts,
      energySpreadPct,
      robust: deliveredSpreadPts <= PHASE_ROBUST_PTS && energySpreadPct <= PHASE_ROBUST_PCT,
    },
  };
}
