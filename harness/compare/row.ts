// One judged (subject, metric) row — a subject being a (workload, engine) run or a power run — and the
// worst-first order every table and the verdict use.
import { judgeCounter, type Judgement, type Status } from './judge.ts';
import { subjectLabel, type PowerKey, type RunKey, type SubjectKey } from './match.ts';
import { metricUnit } from './metrics.ts';

export interface Row<K extends SubjectKey> extends Judgement {
  run: K;
  /** the full dotted name, as `--metric` selects it (`exits.total`, `power.<scenario>.<design>.<policy>.energyJ`) */
  metric: string;
  unit: string;
  base: number | null;
  head: number | null;
  thresholdPct: number;
}

export type MetricRow = Row<RunKey>;
export type PowerRow = Row<PowerKey>;
export type AnyRow = MetricRow | PowerRow;

/** a deterministic metric of `key` judged exactly against `thresholdPct` in the metric's own direction */
export function valueRow<K extends SubjectKey>(key: K, metric: string, base: number | null, head: number | null, thresholdPct: number): Row<K> {
  return { run: key, metric, unit: metricUnit(metric), base, head, thresholdPct, ...judgeCounter(metric, base, head, thresholdPct) };
}

const STATUS_RANK: Record<Status, number> = { regression: 0, changed: 1, ok: 2 };

/** worst first: regressions by how far past their threshold, then changes by size, then subject and metric */
export function worstFirst(a: AnyRow, b: AnyRow): number {
  if (a.status !== b.status) return STATUS_RANK[a.status] - STATUS_RANK[b.status];
  const severity = (r: AnyRow): number => (r.judged === null ? Infinity : r.status === 'regression' ? r.judged - r.thresholdPct : Math.abs(r.judged));
  const sa = severity(a);
  const sb = severity(b);
  if (sa !== sb) return sa > sb ? -1 : 1;
  return subjectLabel(a.run).localeCompare(subjectLabel(b.run)) || a.metric.localeCompare(b.metric);
}
