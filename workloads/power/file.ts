// User power scenarios: a JSON file per scenario (`hvbench run --power-file F`, schema in file-schema.ts).
// Any mistake — unreadable file, bad JSON, a schema violation, unsorted or mismatched requests, a VM pinned
// to a missing CPU, a run past the limits (harness/limits.ts), an id already taken — is one UsageError line
// naming the file and the field.
import { UsageError, shown as show } from '../../harness/errors.ts';
import { readJsonFile } from '../../harness/json-file.ts';
import { describe } from '../file.ts';
import { Rng } from '../../engines/rng.ts';
import type { DemandTrace, PowerPolicyId, PowerScenario } from '../../engines/power/types.ts';
import { scenarioProblem } from '../../engines/power/suite.ts';
import { powerFileSchema, type PowerFile } from './file-schema.ts';
import { onOff, periodic, saturating } from './traces.ts';

type Demand = PowerFile['vms'][number]['demand'];

/** the field of a demand that cannot be simulated, or null */
function demandProblem(d: Demand): string | null {
  if (d.kind === 'periodic' && d.workMax < d.workMin) return `workMax: must be ≥ workMin (${d.workMin}; got ${d.workMax})`;
  if (d.kind === 'requests') {
    if (d.work.length !== d.arrivalMs.length) return `work: ${d.work.length} entries for ${d.arrivalMs.length} arrivals`;
    const i = d.arrivalMs.findIndex((t, k) => k > 0 && t < d.arrivalMs[k - 1]);
    if (i > 0) return `arrivalMs[${i}]: arrivals must not go back in time (${d.arrivalMs[i - 1]} then ${d.arrivalMs[i]})`;
  }
  return null;
}

function trace(d: Demand, rng: Rng, durationMs: number): DemandTrace {
  switch (d.kind) {
    case 'saturating':
      return saturating(durationMs, d.perMs);
    case 'periodic':
      return periodic(rng, durationMs, d.periodMs, d.jitterMs, d.workMin, d.workMax);
    case 'on-off':
      return onOff(rng, durationMs, d.meanOnMs, d.meanOffMs, d.arrivalProb, d.meanWork);
    case 'requests': {
      // requests past the end never arrive
      const n = d.arrivalMs.findIndex((t) => t >= durationMs);
      const end = n < 0 ? d.arrivalMs.length : n;
      return { arrivalMs: Float64Array.from(d.arrivalMs.slice(0, end)), work: Float64Array.from(d.work.slice(0, end)) };
    }
  }
}

/** load and check one power scenario file; `taken` are the scenario ids already in use */
export function loadPowerFile(path: string, taken: readonly string[]): PowerScenario {
  const data = readJsonFile(path, 'power scenario file');
  const parsed = powerFileSchema.safeParse(data);
  if (!parsed.success) throw new UsageError(`${path}: ${describe(parsed.error.issues[0], data)}`);
  const file = parsed.data;
  if (taken.includes(file.id)) throw new UsageError(`${path}: id: ${show(file.id)} is already used by another power scenario`);
  const ids = new Set<string>();
  file.vms.forEach((vm, i) => {
    if (ids.has(vm.id)) throw new UsageError(`${path}: vms[${i}].id: ${show(vm.id)} is used by an earlier VM`);
    ids.add(vm.id);
    const problem = demandProblem(vm.demand);
    if (problem) throw new UsageError(`${path}: vms[${i}].demand.${problem}`);
  });
  const { durationMs } = file;
  const scenario: PowerScenario = {
    id: file.id,
    title: file.title,
    description: file.description ?? `User power scenario from ${path}.`,
    cpus: file.cpus,
    durationMs,
    vms: file.vms.map(({ id, cpu, booked, cap, weight, deadlineMs }) => ({ id, cpu, booked, cap, weight, deadlineMs })),
    ...(file.policies ? { policies: file.policies as PowerPolicyId[] } : {}),
    ...(file.turbo !== undefined ? { turbo: file.turbo } : {}),
    ...(file.rapl ? { rapl: file.rapl } : {}),
    traces(seed) {
      const rng = new Rng(seed);
      return file.vms.map((vm) => trace(vm.demand, rng.fork(), durationMs));
    },
  };
  const problem = scenarioProblem(scenario, scenario.traces(1));
  if (problem) throw new UsageError(`${path}: ${problem}`);
  return scenario;
}
