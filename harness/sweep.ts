// `--sweep <engine>:<opt>=v1,v2,…`: a parameter scan, one engine column per value (`--sweep xen:batch=8,16,32,64`
// runs xen:batch=8 … xen:batch=64 beside native). An option given one value is fixed in every column
// (`xen:xpti=off,batch=8,16`); options given several are swept together as a cartesian product, and so are the
// options of several `--sweep` flags for one engine. Flags for different engines are separate scans. The
// columns are ordinary engine specs (harness/catalog.ts resolves them), so the report shows them like any
// other column and the results file records which values each column holds (`sweeps`), for the plots of each
// headline metric against the parameter (reports/sweep/).
import type { OptionValue } from '../engines/types.ts';
import { UsageError, clip } from './errors.ts';
import { MAX_SWEEP_COLUMNS } from './limits.ts';

/** one `--sweep` flag as given: the engine id and each option's values, in order */
export interface SweepFlag {
  text: string;
  engine: string;
  options: { name: string; values: string[] }[];
}

/** one column of a scan: its engine label and the value of each swept option */
export interface SweepColumn {
  label: string;
  values: Record<string, OptionValue>;
}

/** a scan as the results file records it: the columns in product order, the first swept option slowest */
export interface SweepRecord {
  engine: string;
  /** the options given more than one value, in the order given */
  swept: string[];
  columns: SweepColumn[];
}

/** `xen:batch=8,16,net=copy,map` → xen, batch [8, 16], net [copy, map] */
export function parseSweep(value: string): SweepFlag {
  const where = `--sweep ${clip(value)}`;
  const colon = value.indexOf(':');
  const engine = colon < 0 ? '' : value.slice(0, colon).trim();
  if (engine === '' || colon === value.length - 1) throw new UsageError(`${where}: expected <engine>:<option>=<v1>,<v2>,… (e.g. xen:batch=8,16,32,64)`);
  const options: SweepFlag['options'] = [];
  for (const raw of value.slice(colon + 1).split(',')) {
    const token = raw.trim();
    if (token === '') throw new UsageError(`${where}: empty value`);
    const eq = token.indexOf('=');
    if (eq >= 0) {
      const name = token.slice(0, eq).trim();
      if (name === '') throw new UsageError(`${where}: a value "${clip(token)}" with no option name`);
      if (options.some((o) => o.name === name)) throw new UsageError(`${where}: option ${clip(name)} is given twice`);
      options.push({ name, values: [] });
      const first = token.slice(eq + 1).trim();
      if (first === '') throw new UsageError(`${where}: option ${clip(name)} has no value`);
      options[options.length - 1].values.push(first);
    } else if (options.length === 0) {
      throw new UsageError(`${where}: value "${clip(token)}" comes before any option=`);
    } else {
      const o = options[options.length - 1];
      if (o.values.includes(token)) throw new UsageError(`${where}: ${clip(o.name)}=${clip(token)} is listed twice`);
      o.values.push(token);
    }
  }
  return { text: value, engine, options };
}

/** the engine-spec resolver of the run's catalog: a label and complete options, or a UsageError */
export type ResolveSpec = (spec: string) => { label: string; options: Record<string, OptionValue> };

/**
 * The engine specs the flags make and their record. Flags naming the same engine join into one product; each
 * column's spec is resolved (and so checked) by the catalog, and a refusal names the flag or column. More than
 * MAX_SWEEP_COLUMNS columns in all are refused before anything is resolved.
 */
export function expandSweeps(flags: readonly SweepFlag[], resolve: ResolveSpec): SweepRecord[] {
  const byEngine = new Map<string, SweepFlag[]>();
  for (const f of flags) byEngine.set(f.engine, [...(byEngine.get(f.engine) ?? []), f]);
  const groups = [...byEngine].map(([engine, group]) => {
    const options = group.flatMap((f) => f.options);
    const text = group.map((f) => f.text).join(' --sweep ');
    const twice = options.find((o, i) => options.findIndex((x) => x.name === o.name) !== i);
    if (twice) throw new UsageError(`--sweep ${clip(text)}: option ${clip(twice.name)} is swept twice`);
    if (!options.some((o) => o.values.length > 1)) throw new UsageError(`--sweep ${clip(text)}: a sweep needs an option with two or more values`);
    return { engine, options, text };
  });
  const sizes = groups.map((g) => g.options.reduce((n, o) => n * o.values.length, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > MAX_SWEEP_COLUMNS) {
    throw new UsageError(`--sweep: ${total} engine columns (${sizes.join(' + ')}), more than the ${MAX_SWEEP_COLUMNS} one run sweeps; split the scan over several runs`);
  }
  return groups.map(({ engine, options, text }) => {
    const spec = (combo: readonly [string, string][]) => `${engine}:${combo.map(([name, v]) => `${name}=${v}`).join(',')}`;
    const resolveIn = (combo: readonly [string, string][], column: boolean) => {
      try {
        return resolve(spec(combo));
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        throw new UsageError(`--sweep ${clip(text)}: ${column ? `column ${clip(spec(combo))}: ` : ''}${err.message}`);
      }
    };
    // each value with the other options at their first value, so that a bad value is named with its flag
    // rather than inside a product
    for (const o of options) {
      for (const v of o.values) resolveIn(options.map((x): [string, string] => [x.name, x === o ? v : x.values[0]]), false);
    }
    const swept = options.filter((o) => o.values.length > 1).map((o) => o.name);
    const columns = product(options).map((combo) => {
      const resolved = resolveIn(combo, true);
      return { label: resolved.label, values: Object.fromEntries(swept.map((name) => [name, resolved.options[name]])) };
    });
    return { engine, swept, columns };
  });
}

/** every combination of one value per option, the first option varying slowest */
function product(options: readonly SweepFlag['options'][number][]): [string, string][][] {
  let out: [string, string][][] = [[]];
  for (const o of options) out = out.flatMap((combo) => o.values.map((v): [string, string][] => [...combo, [o.name, v]]));
  return out;
}
