// results.csv: one row per run, every counter flattened into a stable column (reports/counters.ts), so a
// spreadsheet or pandas can read it without knowing the JSON shape. A text cell a spreadsheet would run as a
// formula is neutralised (OWASP "CSV Injection"): one starting with = + - @, a tab or a carriage return gets a
// leading single quote; numbers, negative ones included, stay numbers.
import { stringify } from 'csv-stringify/sync';
import type { ResultsFile, RunResult } from '../harness/results.ts';
import { ATTRIBUTION_GROUP, COUNTER_GROUPS, OVERHEAD_ATTRIBUTION_GROUP, SETUP_COUNTER_GROUPS, groupKeys, groupValue, type CounterGroup } from './counters.ts';
import { trapEngines } from './model.ts';
import { roundForPeople, type NumberKind } from './format.ts';
import { powerCsvRows, type PowerCsvRow, type PowerResults } from '../engines/power/index.ts';

type Cell = string | number;

const FORMULA_START = /^[=+\-@\t\r]/;
/** a decimal number as text ("-3", "+1.5e3"): a spreadsheet reads it as a number, not a formula */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** the cell as written: text that would start a formula is prefixed with ' */
export function safeCell(cell: Cell): Cell {
  return typeof cell === 'string' && FORMULA_START.test(cell) && !NUMBER.test(cell) ? `'${cell}` : cell;
}

function csv(rows: Cell[][]): string {
  return stringify(rows.map((row) => row.map(safeCell)));
}

interface Column {
  name: string;
  cell(run: RunResult): Cell;
  /** how its numbers are rounded (format.ts); text columns have none */
  kind?: NumberKind;
}

/** a counter group's column holds cycles (whole cycles) or counts (exact) */
function counterKind(name: string): NumberKind {
  return /^(setup\.)?(cycles|attribution|overheadAttribution)\./.test(name) ? 'cycles' : 'count';
}

/** the cell rounded for people by its column's kind */
function rounded(col: Column, run: RunResult): Cell {
  const value = col.cell(run);
  return typeof value === 'number' && col.kind ? roundForPeople(col.kind, value) : value;
}

function unionKeys(runs: readonly RunResult[], pick: (r: RunResult) => Record<string, unknown>): string[] {
  return [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
}

/**
 * A group's columns over `runs`. The exit groups are split: VM exits stay `exits.*`, and an engine whose exits
 * are traps into the hypervisor (Xen PV) has them under `traps.*` instead, each left empty in the other's rows.
 */
function groupColumns(group: CounterGroup, runs: readonly RunResult[], traps: Set<string>, present: (r: RunResult) => boolean): Column[] {
  const cols = (rows: readonly RunResult[], prefix: string, mine: (r: RunResult) => boolean): Column[] =>
    groupKeys(group, rows).map((key) => ({ name: prefix + key, kind: counterKind(prefix + key), cell: (r) => (present(r) && mine(r) ? groupValue(group, r, key) : '') }));
  if (!group.prefix.includes('exits.')) return cols(runs, group.prefix, () => true);
  const exiting = runs.filter((r) => !traps.has(r.engine));
  const trapping = runs.filter((r) => traps.has(r.engine));
  return [
    ...(exiting.length > 0 ? cols(exiting, group.prefix, (r) => !traps.has(r.engine)) : []),
    ...(trapping.length > 0 ? cols(trapping, group.prefix.replace('exits.', 'traps.'), (r) => traps.has(r.engine)) : []),
  ];
}

const TIMING_KINDS = { meanMs: 'measure', p75Ms: 'measure', p99Ms: 'measure', rme: 'percent', samples: 'count' } as const;

function columns(runs: readonly RunResult[], traps: Set<string>): Column[] {
  const cols: Column[] = [
    { name: 'workload', cell: (r) => r.workload },
    { name: 'category', cell: (r) => r.category },
    { name: 'title', cell: (r) => r.title },
    { name: 'engine', cell: (r) => r.engine },
    { name: 'engineId', cell: (r) => r.engineId },
    { name: 'mode', cell: (r) => r.mode },
  ];
  for (const key of unionKeys(runs, (r) => r.options)) cols.push({ name: `options.${key}`, cell: (r) => (key in r.options ? String(r.options[key]) : '') });
  for (const key of unionKeys(runs, (r) => r.params)) cols.push({ name: `params.${key}`, cell: (r) => (key in r.params ? String(r.params[key]) : '') });
  cols.push({ name: 'overheadPct', kind: 'percent', cell: (r) => r.overheadPct ?? '' });
  for (const group of [...COUNTER_GROUPS, ATTRIBUTION_GROUP]) cols.push(...groupColumns(group, runs, traps, () => true));
  for (const key of groupKeys(OVERHEAD_ATTRIBUTION_GROUP, runs)) {
    cols.push({ name: OVERHEAD_ATTRIBUTION_GROUP.prefix + key, kind: 'cycles', cell: (r) => (r.overheadAttribution ? groupValue(OVERHEAD_ATTRIBUTION_GROUP, r, key) : '') });
  }
  // the setup phase apart, after everything the measured phase counted; empty for a run without one
  for (const group of SETUP_COUNTER_GROUPS) cols.push(...groupColumns(group, runs, traps, (r) => r.setup !== undefined));
  for (const key of ['meanMs', 'p75Ms', 'p99Ms', 'rme', 'samples'] as const) {
    cols.push({ name: `timing.${key}`, kind: TIMING_KINDS[key], cell: (r) => r.timing?.[key] ?? '' });
  }
  cols.push({ name: 'error', cell: (r) => r.error ?? '' });
  return cols;
}

/** the CSV text: a header row, then one row per run in results order */
export function renderCsv(results: ResultsFile): string {
  const cols = columns(results.runs, trapEngines(results));
  return csv([cols.map((c) => c.name), ...results.runs.map((run) => cols.map((c) => rounded(c, run)))]);
}

/** the columns that name a run rather than measure it: the long format keeps workload and engine of them */
const IDENTITY = new Set(['workload', 'category', 'title', 'engine', 'engineId', 'mode']);

/**
 * results-long.csv: `run,workload,engine,metric,value`, one row per run and numeric metric (the wide file's
 * columns in its order, options, parameters and empty cells left out); `run` numbers the runs from 1 in results
 * order. The columns never change, whatever the engines and workloads, so tools can append files.
 */
export function renderLongCsv(results: ResultsFile): string {
  const cols = columns(results.runs, trapEngines(results)).filter((c) => !IDENTITY.has(c.name));
  const rows: Cell[][] = [['run', 'workload', 'engine', 'metric', 'value']];
  results.runs.forEach((run, i) => {
    for (const c of cols) {
      const value = rounded(c, run);
      if (typeof value === 'number') rows.push([i + 1, run.workload, run.engine, c.name, value]);
    }
  });
  return csv(rows);
}

/** power.csv's columns, in a fixed order: every field of a powerCsvRows() entry */
const POWER_CSV_COLUMNS = ['scenario', 'engine', 'design', 'policy', 'scheduler', 'cpufreq', 'hostGovernor', 'guestGovernor', 'vm', 'bookedCycles', 'entitledCycles', 'deliveredCycles', 'deliveredOfBookedPct', 'deliveredOfEntitledPct', 'slaMisses', 'p95LatencyMs', 'runEnergyJ', 'runAvgPowerW', 'runFairness', 'runTransitions', 'runRaplThrottled'] as const satisfies readonly (keyof PowerCsvRow)[];
const powerColumnsComplete: Exclude<keyof PowerCsvRow, (typeof POWER_CSV_COLUMNS)[number]> extends never ? true : false = true;
void powerColumnsComplete;

/** how power.csv's numeric columns are rounded (format.ts) */
const POWER_KINDS: Partial<Record<(typeof POWER_CSV_COLUMNS)[number], NumberKind>> = {
  bookedCycles: 'cycles', entitledCycles: 'cycles', deliveredCycles: 'cycles', deliveredOfBookedPct: 'percent', deliveredOfEntitledPct: 'percent',
  slaMisses: 'count', p95LatencyMs: 'measure', runEnergyJ: 'measure', runAvgPowerW: 'measure', runFairness: 'measure', runTransitions: 'count',
};

/** power.csv: a header row, then one row per (scenario, engine, policy, VM) of the power section */
export function renderPowerCsv(power: PowerResults): string {
  const cell = (row: PowerCsvRow, c: (typeof POWER_CSV_COLUMNS)[number]): Cell => {
    const value = row[c];
    const kind = POWER_KINDS[c];
    return typeof value === 'number' && kind ? roundForPeople(kind, value) : value;
  };
  return csv([[...POWER_CSV_COLUMNS], ...powerCsvRows(power).map((row) => POWER_CSV_COLUMNS.map((c) => cell(row, c)))]);
}
