// The power suite: every scenario × design × policy, for one profile and seed. This is what `hvbench run`
// calls to fill the `power` section of results.json.
import type { PowerProfile, PowerResults, PowerRun, PowerScenario } from './types.ts';
import { powerWorkloads } from '../../workloads/power/index.ts';
import { POWER_POLICIES } from './policies.ts';
import { simulatePower, STEP_MS } from './simulate.ts';
import { validatePowerProfile } from './p-states.ts';

const DESIGNS = ['xen', 'kvm'] as const;

export interface PowerSuiteInput {
  /** a CostProfile: only its id and power block are used */
  profile: { id: string; power: PowerProfile };
  seed: number;
  /** defaults to the `power` workload category */
  scenarios?: readonly PowerScenario[];
}

export function runPowerSuite({ profile, seed, scenarios = powerWorkloads }: PowerSuiteInput): PowerResults {
  const problems = validatePowerProfile(profile.power);
  if (problems.length > 0) throw new Error(`profile ${profile.id}: invalid power block: ${problems.join('; ')}`);
  const runs: PowerRun[] = [];
  for (const scenario of scenarios) {
    const traces = scenario.traces(seed);
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
