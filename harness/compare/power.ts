// The power section of two results files (docs/architecture.md#power), compared: power runs paired by (scenario, engine,
// policy) with the same matcher as runs, every metric of `powerMetrics` judged exactly in its own direction
// (metrics.ts). A power section in only one file is said in a warning and its runs listed as added or
// removed, never an error.
import { powerMetrics } from '../../engines/power/index.ts';
import type { PowerResults, PowerRun } from '../../engines/power/types.ts';
import type { ResultsFile } from '../results.ts';
import { matchBy, powerLabel, type KeySpec, type PowerKey } from './match.ts';
import { valueRow, worstFirst, type PowerRow } from './row.ts';
import { thresholdFor, type MetricSelection } from './select.ts';

export interface PowerComparison {
  /** which of the two files have a power section */
  presence: 'both' | 'base-only' | 'head-only' | 'neither';
  /** every judged power row, worst first */
  rows: PowerRow[];
  added: PowerKey[];
  removed: PowerKey[];
  runsCompared: number;
}

export const POWER_KEY: KeySpec<PowerKey, PowerRun> = {
  what: 'power run',
  keyOf: (run) => ({ scenario: run.scenario, engine: run.engine, policy: run.policy }),
  label: powerLabel,
};

/** the `power.<scenario>.<engine>.<policy>.…` metrics of one power run */
export function powerRunMetrics(power: PowerResults, run: PowerRun): Map<string, number> {
  return new Map(Object.entries(powerMetrics({ ...power, runs: [run] })));
}

/** the metric name without its `power.<scenario>.<engine>.<policy>.` prefix: `energyJ`, `vm.busy.deliveredOfBookedPct` */
export function powerMetricTail(key: PowerKey, metric: string): string {
  const prefix = `power.${key.scenario}.${key.engine}.${key.policy}.`;
  return metric.startsWith(prefix) ? metric.slice(prefix.length) : metric;
}

export function comparePower(base: ResultsFile, head: ResultsFile, baseName: string, headName: string, selection: MetricSelection, warnings: string[]): PowerComparison {
  const basePower = base.power;
  const headPower = head.power;
  if (!basePower || !headPower) {
    const only = headPower ? { side: 'HEAD', name: headName, as: 'added' } : basePower ? { side: 'BASE', name: baseName, as: 'removed' } : null;
    const added = (headPower?.runs ?? []).map(POWER_KEY.keyOf);
    const removed = (basePower?.runs ?? []).map(POWER_KEY.keyOf);
    if (only) {
      const n = added.length + removed.length;
      warnings.push(`power section only in ${only.side} (${only.name}): its ${n} power run${n === 1 ? ' is' : 's are'} listed as ${only.as}, not compared`);
    }
    return { presence: only === null ? 'neither' : headPower ? 'head-only' : 'base-only', rows: [], added, removed, runsCompared: 0 };
  }
  const matched = matchBy(basePower.runs, headPower.runs, POWER_KEY, baseName, headName);
  const rows: PowerRow[] = [];
  for (const pair of matched.pairs) {
    const b = powerRunMetrics(basePower, pair.base);
    const h = powerRunMetrics(headPower, pair.head);
    for (const metric of [...new Set([...b.keys(), ...h.keys()])].sort()) {
      const thresholdPct = thresholdFor(selection, metric);
      // a VM in one file only has no value in the other
      if (thresholdPct !== undefined) rows.push(valueRow(pair.key, metric, b.get(metric) ?? null, h.get(metric) ?? null, thresholdPct));
    }
  }
  return { presence: 'both', rows: rows.sort(worstFirst), added: matched.added, removed: matched.removed, runsCompared: matched.pairs.length };
}
