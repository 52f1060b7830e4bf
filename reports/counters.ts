// Flattening a run's counters into named columns (`exits.byReason.CPUID`, `tlb.flushes.byCause.cr3`, …):
// fixed columns first in each group, then the union of the keys the runs report, sorted. The CSV and the
// HTML drill-down use the same columns so they always agree.
import type { RunResult } from '../harness/results.ts';

export interface CounterGroup {
  /** column prefix, e.g. `exits.byReason.` */
  prefix: string;
  /** heading for tables that show this group */
  title: string;
  /** columns always present, in this order */
  fixed: readonly string[];
  values(run: RunResult): Record<string, number | undefined>;
}

export const COUNTER_GROUPS: readonly CounterGroup[] = [
  { prefix: 'cycles.', title: 'Cycles by domain', fixed: ['total', 'guest', 'hypervisor', 'host', 'idle'], values: (r) => r.cycles },
  { prefix: 'exits.', title: 'VM exits', fixed: ['total'], values: (r) => ({ total: r.exits.total }) },
  { prefix: 'exits.byReason.', title: 'VM exits by reason', fixed: [], values: (r) => r.exits.byReason },
  { prefix: 'hypercalls.', title: 'Hypercalls', fixed: ['total'], values: (r) => ({ total: r.hypercalls.total }) },
  { prefix: 'hypercalls.byOp.', title: 'Hypercalls by op', fixed: [], values: (r) => r.hypercalls.byOp },
  { prefix: 'tlb.flushes.', title: 'TLB flushes', fixed: ['total'], values: (r) => ({ total: r.tlb.flushes.total }) },
  { prefix: 'tlb.flushes.byScope.', title: 'TLB flushes by scope', fixed: [], values: (r) => r.tlb.flushes.byScope },
  { prefix: 'tlb.flushes.byCause.', title: 'TLB flushes by cause', fixed: [], values: (r) => r.tlb.flushes.byCause },
  { prefix: 'tlb.', title: 'TLB misses and page-walk references', fixed: ['misses', 'walkRefs'], values: (r) => ({ misses: r.tlb.misses, walkRefs: r.tlb.walkRefs }) },
  { prefix: 'events.', title: 'Events', fixed: [], values: (r) => r.events },
];

export const ATTRIBUTION_GROUP: CounterGroup = { prefix: 'attribution.', title: 'Cycles by mechanism', fixed: [], values: (r) => r.attribution };

export const OVERHEAD_ATTRIBUTION_GROUP: CounterGroup = {
  prefix: 'overheadAttribution.', title: 'Cycles over native by mechanism', fixed: [], values: (r) => r.overheadAttribution ?? {},
};

/** the run's setup phase (boot and the operations before `phase`) as a run, for the groups' value readers */
function setupOf(run: RunResult): RunResult | null {
  return run.setup ? { ...run, ...run.setup } : null;
}

/** `group` over the setup phase, prefixed `setup.`; a run without one (an engine that does not separate
 *  phases, an older results file) has no setup values */
function setupGroup(group: CounterGroup): CounterGroup {
  return {
    prefix: `setup.${group.prefix}`,
    title: `Setup: ${group.title.charAt(0).toLowerCase()}${group.title.slice(1)}`,
    fixed: group.fixed,
    values: (r) => {
      const setup = setupOf(r);
      return setup ? group.values(setup) : {};
    },
  };
}

/** the same counters for the setup phase (`setup.cycles.total`, …): CSV columns and `compare` metrics */
export const SETUP_COUNTER_GROUPS: readonly CounterGroup[] = [...COUNTER_GROUPS, ATTRIBUTION_GROUP].map(setupGroup);

/** the keys (without prefix) of one group over the given runs */
export function groupKeys(group: CounterGroup, runs: readonly RunResult[]): string[] {
  const dynamic = new Set<string>();
  for (const run of runs) for (const key of Object.keys(group.values(run))) if (!group.fixed.includes(key)) dynamic.add(key);
  return [...group.fixed, ...[...dynamic].sort()];
}

/** a counter's value in a run; absent counts are 0 */
export function groupValue(group: CounterGroup, run: RunResult, key: string): number {
  return group.values(run)[key] ?? 0;
}
