// Numbers and bands as the validation table shows them, the same in the terminal, Markdown and HTML.
import type { Band, CaseStatus } from './types.ts';

export function formatValue(n: number | null): string {
  if (n === null) return '—';
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 100) return n.toFixed(1);
  if (abs >= 10) return n.toFixed(2);
  return n.toFixed(3);
}

export function formatBand(band: Band | null): string {
  if (band === null) return '—';
  if (band.lo === -Infinity) return `≤ ${formatValue(band.hi)}`;
  if (band.hi === Infinity) return `≥ ${formatValue(band.lo)}`;
  if (band.lo === band.hi) return `= ${formatValue(band.lo)}`;
  return `${formatValue(band.lo)} … ${formatValue(band.hi)}`;
}

export const STATUS_LABEL: Record<CaseStatus, string> = {
  pass: 'pass',
  outside: 'OUTSIDE',
  'known-outside': 'known outside',
  'unexpected-pass': 'pass (listed as known-outside)',
  'no-number': 'no published number',
  error: 'ERROR',
};
