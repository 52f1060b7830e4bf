// The metrics `compare` knows: every deterministic counter of a run (DESIGN §5), flattened to dotted names
// (`exits.byReason.CPUID`, `tlb.flushes.byCause.cr3`), plus overheadPct and the wall-clock `timing.meanMs`.
// Counters absent from a run count as zero, so a reason that appears only in HEAD compares against 0.
import type { RunResult } from '../results.ts';
import { COUNTER_GROUPS } from '../../reports/counters.ts';

export const TIMING_METRIC = 'timing.meanMs';
export const OVERHEAD_METRIC = 'overheadPct';

/** the groups a `--metric` wildcard (`group.*`) may name (bare `*` and `counters`: select.ts) */
export const METRIC_GROUPS: readonly string[] = [
  'cycles',
  'exits',
  'exits.byReason',
  'hypercalls',
  'hypercalls.byOp',
  'tlb',
  'tlb.flushes',
  'tlb.flushes.byScope',
  'tlb.flushes.byCause',
  'events',
  'timing',
];

/** exact metric names a `--metric` entry may use, as patterns over the counter grammar */
const METRIC_NAME_GRAMMAR: readonly RegExp[] = [
  /^cycles\.(total|guest|hypervisor|host|idle)$/,
  /^overheadPct$/,
  /^exits\.total$/,
  /^exits\.byReason\.[^.*]+$/,
  /^hypercalls\.total$/,
  /^hypercalls\.byOp\.[^.*]+$/,
  /^tlb\.flushes\.total$/,
  /^tlb\.flushes\.byScope\.(full|nonGlobal|single|tagged|remote)$/,
  /^tlb\.flushes\.byCause\.(cr3|invlpg|hypercall|vmentry|shootdown|grantUnmap)$/,
  /^tlb\.(misses|walkRefs)$/,
  /^events\.[^.*]+$/,
  /^timing\.meanMs$/,
];

export function isKnownMetricName(name: string): boolean {
  return METRIC_NAME_GRAMMAR.some((re) => re.test(name));
}

/** every deterministic counter of a run by dotted name, flattened as the CSV flattens them
 *  (reports/counters.ts); overheadPct is included when it is not null */
export function counterMetrics(run: RunResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const group of COUNTER_GROUPS) {
    for (const [key, value] of Object.entries(group.values(run))) if (value !== undefined) out.set(`${group.prefix}${key}`, value);
  }
  if (run.overheadPct !== null) out.set(OVERHEAD_METRIC, run.overheadPct);
  return out;
}

/** the unit a metric is counted in, for tables and the github-action-benchmark export */
export function metricUnit(name: string): string {
  if (name === TIMING_METRIC) return 'ms';
  if (name === OVERHEAD_METRIC) return '%';
  if (name.startsWith('cycles.')) return 'cycles';
  if (name.startsWith('exits.')) return 'exits';
  if (name.startsWith('hypercalls.')) return 'hypercalls';
  if (name.startsWith('tlb.flushes.')) return 'flushes';
  if (name === 'tlb.misses') return 'misses';
  if (name === 'tlb.walkRefs') return 'references';
  return 'events';
}
