// Table cells shared by the text and Markdown reports: values, Δ, Δ% and the status icon.
import type { Status } from './judge.ts';
import { isPowerKey } from './match.ts';
import { TIMING_METRIC, metricSpec } from './metrics.ts';
import { powerMetricTail } from './power.ts';
import type { AnyRow } from './row.ts';

export const STATUS_ICON: Record<Status, string> = { regression: '❌', changed: '⚠️', ok: '✅' };

function number(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const abs = Math.abs(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: abs >= 100 ? 1 : abs >= 1 ? 3 : 4, minimumFractionDigits: 0 });
}

function signed(n: number, text: string): string {
  return n > 0 ? `+${text}` : text;
}

/** the metric as its table shows it: a power row's name without the power run its row already names */
export function metricCell(row: AnyRow): string {
  return isPowerKey(row.run) ? powerMetricTail(row.run, row.metric) : row.metric;
}

/** a value in percent (overheadPct, a power share) is shown as such, and its Δ in percentage points */
function isPercent(row: AnyRow): boolean {
  return metricSpec(row.metric).unit === '%';
}

export function formatValue(row: AnyRow, value: number | null): string {
  if (value === null) return '—';
  if (isPercent(row)) return `${value.toFixed(2)} %`;
  if (row.metric === TIMING_METRIC) return `${number(value)} ms`;
  return number(value);
}

export function formatDelta(row: AnyRow): string {
  const d = row.delta;
  if (d === null) return '—';
  if (isPercent(row)) return `${signed(d, d.toFixed(2))} pp`;
  if (row.metric === TIMING_METRIC) return `${signed(d, number(d))} ms`;
  return signed(d, number(d));
}

export function formatDeltaPct(row: AnyRow): string {
  const p = row.deltaPct;
  if (p === null) return '—';
  if (!Number.isFinite(p)) return p > 0 ? '+∞ %' : '−∞ %';
  // keep a tiny change visible: +1 on 30,000 is +0.0033 %, not +0.0 %
  return `${signed(p, p !== 0 && Math.abs(p) < 0.1 ? p.toPrecision(2) : p.toFixed(1))} %`;
}

/** the threshold as the metric is judged: a worsening in points (overheadPct: pp; fairness: points of the
 *  index × 100) or relative to BASE, with the direction when lower is worse */
export function formatThreshold(row: AnyRow): string {
  const spec = metricSpec(row.metric);
  const amount = spec.judgedIn === 'points' ? `${row.thresholdPct} pp` : `${row.thresholdPct} %`;
  return spec.worse === 'lower' ? `-${amount}` : amount;
}
