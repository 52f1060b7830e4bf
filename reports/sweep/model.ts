// What the reports show of a parameter scan (`run --sweep`, harness/sweep.ts): each category's headline metric
// (the geometric mean of engine ÷ native cycles) for each column of the scan — with its 95 % interval over
// the seeds when the run had several (reports/seeds/model.ts) — laid out against the first swept option, one
// curve per combination of the other swept options.
import type { ResultsFile } from '../../harness/results.ts';
import type { SweepColumn, SweepRecord } from '../../harness/sweep.ts';
import type { PowerInterval } from '../../engines/power/types.ts';
import { categories } from '../model.ts';
import { categoryInterval } from '../seeds/model.ts';
import { formatInterval } from '../format.ts';
import type { TextTable } from '../text-table.ts';

export interface SweepCurve {
  /** the other swept options' values (`net=map`), or the engine id when one option is swept */
  name: string;
  /** per value of the first swept option, in the order given: that column and its metric */
  points: { column: SweepColumn; value: PowerInterval | null }[];
}

/** `xen:batch=…` */
export function sweepTitle(sweep: SweepRecord): string {
  return `${sweep.engine}:${sweep.swept.join(',')}`;
}

/** the first swept option's values, in the order given */
export function sweepAxis(sweep: SweepRecord): string[] {
  return [...new Set(sweep.columns.map((c) => String(c.values[sweep.swept[0]])))];
}

export function sweepCurves(results: ResultsFile, sweep: SweepRecord, category: string): SweepCurve[] {
  const rest = sweep.swept.slice(1);
  const curves = new Map<string, SweepCurve>();
  for (const column of sweep.columns) {
    const name = rest.length === 0 ? sweep.engine : rest.map((o) => `${o}=${String(column.values[o])}`).join(',');
    let curve = curves.get(name);
    if (!curve) curves.set(name, (curve = { name, points: [] }));
    curve.points.push({ column, value: categoryInterval(results, category, column.label) });
  }
  return [...curves.values()];
}

/** the scan as a table: a header and one row per column — its swept values, then each category's metric */
export function sweepTable(results: ResultsFile, sweep: SweepRecord): TextTable {
  const cats = categories(results).filter((c) => sweep.columns.some((col) => categoryInterval(results, c, col.label) !== null));
  const header = [...sweep.swept, ...cats.map((c) => `${c} ×native`)];
  const rows = sweep.columns.map((column) => [
    ...sweep.swept.map((o) => String(column.values[o])),
    ...cats.map((c) => {
      const value = categoryInterval(results, c, column.label);
      return value === null ? '—' : formatInterval(value, (n) => `×${n.toFixed(3)}`);
    }),
  ]);
  return { header, rows, numericFrom: sweep.swept.length };
}

/** what the table of a scan shows, after its title */
export function sweepCaption(results: ResultsFile, sweep: SweepRecord): string {
  const seeds = results.seeds?.seeds;
  return `the geometric mean of engine ÷ native cycles per category and column` +
    (seeds ? `, mean and 95 % interval over ${seeds.length} seeds` : '') + '.';
}
