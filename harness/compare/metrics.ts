// The metrics `compare` knows: every deterministic counter of a run (docs/architecture.md#counters), flattened to dotted names
// (`exits.byReason.CPUID`, `tlb.flushes.byCause.cr3`), plus overheadPct and the wall-clock `timing.meanMs`.
// Counters absent from a run count as zero, so a reason that appears only in HEAD compares against 0.
// The power section's metrics (engines/power/export.ts `powerMetrics`) are named
// `power.<scenario>.<design>.<policy>.<metric>` and `….vm.<vm>.<metric>`; they are deterministic model output.
//
// How a metric is judged is a property of the metric (`metricSpec`): its unit, which way is worse, and whether
// a change is measured relative to BASE (%) or in absolute points.
import type { RunResult } from '../results.ts';
import { COUNTER_GROUPS, SETUP_COUNTER_GROUPS } from '../../reports/counters.ts';

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
  'power',
  'setup',
];

/** the setup phase's counters are the measured phase's names under this prefix (reports/counters.ts) */
const SETUP_PREFIX = 'setup.';

/** `power.<group>.*` may name any scenario, design, policy or VM: they are data, not a fixed list */
export const POWER_PREFIX = 'power.';

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
  /^tlb\.flushes\.byCause\.(cr3|invlpg|hypercall|vmentry|shootdown|grantUnmap|invept|shadow)$/,
  /^tlb\.(misses|walkRefs)$/,
  /^events\.[^.*]+$/,
  /^timing\.meanMs$/,
  /^power\.[^.*]+\.(xen|kvm)\.[^.*]+\.(energyJ|avgPowerW|fairness|transitions|guestRequests|slaMisses)$/,
  /^power\.[^.*]+\.(xen|kvm)\.[^.*]+\.vm\.[^.*]+\.(deliveredOfBookedPct|deliveredOfEntitledPct)$/,
];

export function isKnownMetricName(name: string): boolean {
  if (name.startsWith(SETUP_PREFIX)) return isSetupCounterName(name.slice(SETUP_PREFIX.length));
  return METRIC_NAME_GRAMMAR.some((re) => re.test(name));
}

/** a counter of the setup phase: a run counter or a mechanism's cycles (not overheadPct, timing or power) */
function isSetupCounterName(name: string): boolean {
  if (/^attribution\.[^.*]+$/.test(name)) return true;
  return !/^(overheadPct|timing\.|power\.)/.test(name) && METRIC_NAME_GRAMMAR.some((re) => re.test(name));
}

/** every deterministic counter of a run by dotted name, flattened as the CSV flattens them
 *  (reports/counters.ts); overheadPct is included when it is not null */
export function counterMetrics(run: RunResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const group of [...COUNTER_GROUPS, ...SETUP_COUNTER_GROUPS]) {
    for (const [key, value] of Object.entries(group.values(run))) if (value !== undefined) out.set(`${group.prefix}${key}`, value);
  }
  if (run.overheadPct !== null) out.set(OVERHEAD_METRIC, run.overheadPct);
  return out;
}

export interface MetricSpec {
  unit: string;
  /** which direction is a worsening: most metrics get worse as they grow, a share of booked capacity as it shrinks */
  worse: 'higher' | 'lower';
  /** how a change is measured against the threshold: `relative` to BASE in %, or in absolute `points` */
  judgedIn: 'relative' | 'points';
  /** points per unit of the value when judged in points: 1 for a percentage, 100 for a 0..1 index */
  pointsPerUnit: number;
}

const RELATIVE_HIGHER_IS_WORSE = { worse: 'higher', judgedIn: 'relative', pointsPerUnit: 1 } as const;

/** the power metrics by their last name segment */
const POWER_SPECS: Record<string, MetricSpec> = {
  energyJ: { unit: 'J', ...RELATIVE_HIGHER_IS_WORSE },
  avgPowerW: { unit: 'W', ...RELATIVE_HIGHER_IS_WORSE },
  transitions: { unit: 'transitions', ...RELATIVE_HIGHER_IS_WORSE },
  guestRequests: { unit: 'requests', ...RELATIVE_HIGHER_IS_WORSE },
  slaMisses: { unit: 'misses', ...RELATIVE_HIGHER_IS_WORSE },
  // Jain's index is bounded (1/n..1): judged in points of the index × 100, as overheadPct is in pp
  fairness: { unit: 'index', worse: 'lower', judgedIn: 'points', pointsPerUnit: 100 },
  deliveredOfBookedPct: { unit: '%', worse: 'lower', judgedIn: 'relative', pointsPerUnit: 1 },
  deliveredOfEntitledPct: { unit: '%', worse: 'lower', judgedIn: 'relative', pointsPerUnit: 1 },
};

function powerSpec(name: string): MetricSpec | undefined {
  return name.startsWith(POWER_PREFIX) ? POWER_SPECS[name.slice(name.lastIndexOf('.') + 1)] : undefined;
}

/** how `name` is judged and displayed */
export function metricSpec(name: string): MetricSpec {
  if (name === OVERHEAD_METRIC) return { unit: '%', worse: 'higher', judgedIn: 'points', pointsPerUnit: 1 };
  return powerSpec(name) ?? { unit: metricUnit(name), ...RELATIVE_HIGHER_IS_WORSE };
}

/** the unit a counter or timing is counted in, for tables and the github-action-benchmark export */
export function metricUnit(name: string): string {
  if (name.startsWith(SETUP_PREFIX)) return name.startsWith(`${SETUP_PREFIX}attribution.`) ? 'cycles' : metricUnit(name.slice(SETUP_PREFIX.length));
  const power = powerSpec(name);
  if (power) return power.unit;
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
