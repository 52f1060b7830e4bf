// The power suite: every scenario × design × policy, for one profile and seed. This is what `hvbench run`
// calls to fill the `power` section of results.json.
import type { DemandTrace, PowerProfile, PowerResults, PowerRun, PowerScenario } from './types.ts';
import { powerWorkloads } from '../../workloads/power/index.ts';
import { POWER_POLICIES } from './policies.ts';
import { simulatePower, STEP_MS } from './simulate.ts';
import { validatePowerProfile } from './p-states.ts';
import { MAX_POWER_REQUESTS, MAX_POWER_SCENARIO_STEPS } from '../../harness/limits.ts';

const DESIGNS = ['xen', 'kvm'] as const;

export interface PowerSuiteInput {
  /** a CostProfile: only its id and power block are used */
  profile: { id: string; power: PowerProfile };
  seed: number;
  /** defaults to the `power` workload category */
  scenarios?: readonly PowerScenario[];
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
  const stray = vms.find((vm) => !Number.isInteger(vm.cpu) || vm.cpu < 0 || vm.cpu >= cpus);
  if (stray) return `vm ${stray.id} is pinned to cpu ${stray.cpu}, which a ${cpus}-CPU host does not have`;
  if (traces.length !== vms.length) return `${traces.length} demand traces for ${vms.length} VMs`;
  const requests = traces.reduce((n, t) => n + t.work.length, 0);
  if (requests > MAX_POWER_REQUESTS) return `${requests} requests in the demand traces; the limit is ${MAX_POWER_REQUESTS}`;
  return null;
}

export function runPowerSuite({ profile, seed, scenarios = powerWorkloads }: PowerSuiteInput): PowerResults {
  const problems = validatePowerProfile(profile.power);
  if (problems.length > 0) throw new Error(`profile ${profile.id}: invalid power block: ${problems.join('; ')}`);
  const runs: PowerRun[] = [];
  for (const scenario of scenarios) {
    const traces = scenario.traces(seed);
    const problem = scenarioProblem(scenario, traces);
    if (problem) throw new RangeError(`power scenario ${scenario.id}: ${problem}`);
    for (const design of DESIGNS) {
      for (const policy of POWER_POLICIES) {
        runs.push(simulatePower({ scenario, traces, profile: profile.power, design, policy }));
      }
    }
  }
  return {
    schema: 'hvbench/power@1',
    profile: profile.id,
    seed,
    stepMs: STEP_MS,
    pStatesMhz: profile.power.pStates.map((s) => s.mhz),
    scenarios: scenarios.map(({ id, title, description, cpus, durationMs, vms }) => ({ id, title, description, cpus, durationMs, vms })),
    runs,
  };
}
