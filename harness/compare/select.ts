// Which metrics `compare` judges, and against which threshold. Without `--metric`, every deterministic
// counter (and power metric) is judged at `--threshold`; wall-clock timing.meanMs only when asked for by name
// (or `*`): it times the simulator on this machine, not the model, and two runs of identical code minutes
// apart differ in it (docs/ci.md#what-compare-judges). With `--metric`, exactly the listed ones are:
//   name=PCT      one metric (`exits.total=0%`)
//   group.*=PCT   every metric under a group (`exits.*`, `tlb.flushes.byCause.*`, `power.*`,
//                 `power.hagimont-capped.*`, `power.hagimont-capped.xen.dvfs-aware-credits.vm.*`)
//   counters=PCT  every deterministic metric (not timing): the counters and the power section's metrics —
//                 CI's "everything the model computes at 0 %"
//   *=PCT         everything, timing included
// `=PCT` may be left out to use `--threshold`. When several entries match a metric the most specific wins
// (exact name, then the longest group, then `counters` / `*`), so `counters=0%,overheadPct=2%` works.
import { UsageError, clip } from '../errors.ts';
import { METRIC_GROUPS, POWER_PREFIX, TIMING_METRIC, isKnownMetricName } from './metrics.ts';

export interface MetricRule {
  pattern: string;
  thresholdPct: number;
}

export interface MetricSelection {
  /** null: the default selection (every deterministic metric at defaultThresholdPct, timing not judged) */
  rules: MetricRule[] | null;
  defaultThresholdPct: number;
}

/** `5`, `5%`, `0.5 %` → 5, 5, 0.5; anything else (negative, not a number) is a UsageError naming `what` */
export function parseThreshold(text: string, what: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  if (!match) throw new UsageError(`${what}: "${clip(text)}" is not a percentage (expected e.g. 5 or 2.5%)`);
  return Number(match[1]);
}

function validatePattern(pattern: string): void {
  if (pattern === 'counters' || pattern === '*') return;
  if (pattern.endsWith('.*')) {
    const group = pattern.slice(0, -2);
    // under power., scenarios, designs, policies and VMs are data: any deeper group is accepted
    if (METRIC_GROUPS.includes(group) || (group.startsWith(POWER_PREFIX) && !group.includes('*'))) return;
    throw new UsageError(`--metric ${clip(pattern)}: unknown group "${clip(group)}" (groups: ${METRIC_GROUPS.join(', ')}, power.<scenario>…)`);
  }
  if (!isKnownMetricName(pattern)) {
    throw new UsageError(`--metric ${clip(pattern)}: unknown metric (e.g. overheadPct, exits.total, exits.byReason.CPUID, tlb.flushes.*, power.*, counters, timing.meanMs)`);
  }
}

/** parse `--metric` values (each a comma-separated list) into rules */
export function parseMetricRules(values: readonly string[], defaultThresholdPct: number): MetricRule[] {
  const rules: MetricRule[] = [];
  for (const entry of values.flatMap((v) => v.split(',')).map((e) => e.trim())) {
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const pattern = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    validatePattern(pattern);
    const thresholdPct = eq < 0 ? defaultThresholdPct : parseThreshold(entry.slice(eq + 1), `--metric ${clip(pattern)}`);
    rules.push({ pattern, thresholdPct });
  }
  if (rules.length === 0) throw new UsageError('--metric: no metric given (e.g. --metric counters=0%)');
  return rules;
}

/** how specifically `pattern` names `metric`: 0 when it does not match at all */
function specificity(pattern: string, metric: string): number {
  if (pattern === metric) return Number.MAX_SAFE_INTEGER;
  if (pattern.endsWith('.*')) return metric.startsWith(pattern.slice(0, -1)) ? 2 + pattern.length : 0;
  if (pattern === 'counters') return metric === TIMING_METRIC ? 0 : 1;
  if (pattern === '*') return 1;
  return 0;
}

/** the threshold in percent `metric` is judged against, or undefined when it is not compared */
export function thresholdFor(selection: MetricSelection, metric: string): number | undefined {
  if (selection.rules === null) return metric === TIMING_METRIC ? undefined : selection.defaultThresholdPct;
  let best: MetricRule | undefined;
  let bestScore = 0;
  for (const rule of selection.rules) {
    const score = specificity(rule.pattern, metric);
    if (score > 0 && score >= bestScore) {
      best = rule;
      bestScore = score;
    }
  }
  return best?.thresholdPct;
}
