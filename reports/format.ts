// Number formatting shared by the text renderers; locale-independent so outputs are byte-stable.
const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const pctFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'always' });

/** 1,234,567 */
export function formatCount(n: number): string {
  return intFormat.format(n);
}

/** +12.3 % ; `—` for null (native, or no native baseline) */
export function formatOverhead(pct: number | null): string {
  return pct === null ? '—' : `${pctFormat.format(pct)} %`;
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
