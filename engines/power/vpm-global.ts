// VirtualPower's global rule (Nathuji & Schwan, SOSP 2007): across servers, pack the VMs onto as few as
// their load allows and power the rest down — the consolidation that, coordinated with the local rules
// (vpm.ts), gave the paper's largest savings. Here the rule places once, from each VM's observed demand
// (the work it asked for, as a share of one CPU at f_max): first-fit decreasing onto the CPUs in order, each
// filled to at most CONSOLIDATION_FILL, so the first servers fill and the last ones are left empty; a VM that
// fits nowhere goes to the least-loaded CPU. The paper migrates VMs live as load changes; one placement
// from an observation of the same traffic is this model's simplification.
import type { DemandTrace, PowerScenario, PowerVmSpec } from './types.ts';

/** estimate: a packed CPU keeps a fifth of its capacity for bursts, the headroom ondemand's 80 % up-threshold leaves */
export const CONSOLIDATION_FILL = 0.8;

/** each VM's demand over the trace: f_max-ms of work per ms, the share of an f_max CPU it asked for */
export function observedDemand(traces: readonly DemandTrace[], durationMs: number): number[] {
  return traces.map((t) => t.work.reduce((s, w) => s + w, 0) / durationMs);
}

/** the VMs re-pinned by first-fit decreasing on `demand`, each CPU filled to at most `fill` */
export function consolidate(vms: readonly PowerVmSpec[], demand: readonly number[], cpus: number, fill = CONSOLIDATION_FILL): PowerVmSpec[] {
  const load = new Array<number>(cpus).fill(0);
  const placed = vms.map((vm) => ({ ...vm }));
  const order = vms.map((_, v) => v).sort((a, b) => demand[b] - demand[a] || a - b);
  for (const v of order) {
    let cpu = load.findIndex((l) => l + demand[v] <= fill + 1e-12);
    if (cpu < 0) cpu = load.indexOf(Math.min(...load));
    load[cpu] += demand[v];
    placed[v].cpu = cpu;
  }
  return placed;
}

/** the scenario as the global rule leaves it: the same VMs and traffic, `id`, re-pinned from an observation of seed `observeSeed` */
export function consolidated(spread: PowerScenario, id: string, title: string, description: string, observeSeed: number): PowerScenario {
  const demand = observedDemand(spread.traces(observeSeed), spread.durationMs);
  return { ...spread, id, title, description, vms: consolidate(spread.vms, demand, spread.cpus) };
}
