// Table cells shared by the text and Markdown reports: values, Δ, Δ% and the status icon.
import type { MetricRow } from './compare.ts';
import type { Status } from './judge.ts';
import { OVERHEAD_METRIC, TIMING_METRIC } from './metrics.ts';

export const STATUS_ICON: Record<Status, string> = { regression: '❌', changed: '⚠️', ok: '✅' };

function number(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const abs = Math.abs(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: abs >= 100 ? 1 : abs >= 1 ? 3 : 4, minimumFractionDigits: 0 });
}

function signed(n: number, text: string): string {
  return n > 0 ? `+${text}` : text;
}

export function formatValue(row: MetricRow, value: number | null): string {
  if (value === null) return '—';
  if (row.metric === OVERHEAD_METRIC) return `${value.toFixed(2)} %`;
  if (row.metric === TIMING_METRIC) return `${number(value)} ms`;
  return number(value);
}

export function formatDelta(row: MetricRow): string {
  const d = row.delta;
  if (d === null) return '—';
  if (row.metric === OVERHEAD_METRIC) return `${signed(d, d.toFixed(2))} pp`;
  if (row.metric === TIMING_METRIC) return `${signed(d, number(d))} ms`;
  return signed(d, number(d));
}

export function formatDeltaPct(row: MetricRow): string {
  const p = row.deltaPct;
  if (p === null) return '—';
  if (!Number.isFinite(p)) return p > 0 ? '+∞ %' : '−∞ %';
  // keep a tiny change visible: +1 on 30,000 is +0.0033 %, not +0.0 %
  return `${signed(p, p !== 0 && Math.abs(p) < 0.1 ? p.toPrecision(2) : p.toFixed(1))} %`;
}

/** the threshold as the metric is judged: percentage points for overheadPct, relative otherwise */
export function formatThreshold(row: MetricRow): string {
  return row.metric === OVERHEAD_METRIC ? `${row.thresholdPct} pp` : `${row.thresholdPct} %`;
}
