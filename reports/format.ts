// Number formatting shared by the text renderers; locale-independent so outputs are byte-stable.
const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const pctFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'always' });

/** 1,234,567 */
export function formatCount(n: number): string {
  return intFormat.format(n);
}

/** +12.3 % (or `digits` decimals); `—` for null (native, or no native baseline) */
export function formatOverhead(pct: number | null, digits = 1): string {
  if (pct === null) return '—';
  const format = digits === 1 ? pctFormat : new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: 'always' });
  return `${format.format(pct)} %`;
}

/**
 * What kind of number a CSV column or a summary.md cell holds, which decides how it is rounded for people to
 * read; results.json keeps every number at full precision. A count (exits, hypercalls, flushes, samples) is
 * written exactly as counted; cycles as whole cycles; a percentage (an overhead, a share, a relative error) to
 * PERCENT_DECIMALS decimals; any other measure (milliseconds, joules, watts, a fairness index) to
 * MEASURE_SIGNIFICANT significant figures. reports/SCHEMA.md states the same.
 */
export type NumberKind = 'count' | 'cycles' | 'percent' | 'measure';
export const PERCENT_DECIMALS = 2;
export const MEASURE_SIGNIFICANT = 4;

const measureFormat = new Intl.NumberFormat('en-US', { maximumSignificantDigits: MEASURE_SIGNIFICANT });

/** a measure in a Markdown cell: 2.345, 12,350, 0.4111 (MEASURE_SIGNIFICANT significant figures) */
export function formatMeasure(n: number): string {
  return measureFormat.format(n);
}

/** `n` rounded as its kind is written in CSV and Markdown */
export function roundForPeople(kind: NumberKind, n: number): number {
  if (!Number.isFinite(n)) return n;
  switch (kind) {
    case 'count': return n;
    case 'cycles': return Math.round(n);
    case 'percent': return Number(n.toFixed(PERCENT_DECIMALS));
    case 'measure': return Number(n.toPrecision(MEASURE_SIGNIFICANT));
  }
}

/** 1,234 / −1,234 with a true minus sign (a saving against native) */
export function formatSignedCount(n: number): string {
  return n < 0 ? `−${formatCount(-n)}` : formatCount(n);
}

/** 42 % / −17 %: a whole-percent share of the overhead with a true minus sign (a saving against native is
 *  negative, a cost offset by savings may exceed 100) */
export function formatSignedPct(pct: number): string {
  return pct < 0 ? `−${-pct} %` : `${pct} %`;
}

/** 2.345 ms */
export function formatMs(ms: number): string {
  return `${ms.toFixed(3)} ms`;
}

/** 45.23 % (a value already in percent, fixed decimals) */
export function formatPercent(pct: number, digits = 2): string {
  return `${pct.toFixed(digits)} %`;
}

/** a measured statistic: 1,234 from 100 up, 12.35 below */
export function formatStat(n: number): string {
  return Math.abs(n) >= 100 ? formatCount(n) : n.toFixed(2);
}

/** `mean [lo–hi]` of a 95 % interval, each number by `format`; the mean alone when the interval has no width */
export function formatInterval(i: { mean: number; lo: number; hi: number }, format: (n: number) => string): string {
  return i.lo === i.hi ? format(i.mean) : `${format(i.mean)} [${format(i.lo)}–${format(i.hi)}]`;
}
