// The results file (harness/results.ts) as a zod schema, and the reader the `report` and `compare` commands
// use: a bad file is one line naming the file, the JSON path and the problem (a UsageError, exit 2). Beyond
// the shapes, a file is refused when it could not have been written by a run: an overhead below −100 % (an
// engine cannot take negative cycles), a run, workload or engine listed twice, a seed `--seed` would refuse,
// or more than MAX_RUNS runs (the reports draw every run; past this they would take minutes and gigabytes).
// Documented field by field in reports/SCHEMA.md; exported as JSON Schema in reports/results.schema.json.
import { z } from 'zod';
import { powerResultsSchema } from '../engines/power/schema.ts';
import { FLUSH_CAUSES, FLUSH_SCOPES } from '../engines/types.ts';
import { PROFILE_HASH_PATTERN, RESULTS_SCHEMA, type ResultsFile } from '../harness/results.ts';
import { UsageError, clip, shown } from '../harness/errors.ts';
import { parseJsonText, readJsonFile } from '../harness/json-file.ts';
import { MAX_RUNS } from '../harness/limits.ts';
import { SEED_METRICS, type SeedMetric } from '../harness/seeds.ts';


const count = z.number().nonnegative();
const counts = z.record(z.string(), count);
const option = z.union([z.string(), z.number(), z.boolean()]);
const options = z.record(z.string(), option);
const mode = z.enum(['simulated', 'measured']);
const flushScope = z.enum(FLUSH_SCOPES);
const flushCause = z.enum(FLUSH_CAUSES);

const timing = z.object({
  meanMs: count,
  p75Ms: count,
  p99Ms: count,
  rme: count,
  samples: z.number().int().nonnegative(),
  samplesMs: z.array(count),
});

/** the counters of one phase (engines/types.ts PhaseCounters) */
const phaseCounters = {
  cycles: z.object({ total: count, guest: count, hypervisor: count, host: count, idle: count }),
  attribution: counts,
  exits: z.object({ total: count, byReason: counts }),
  hypercalls: z.object({ total: count, byOp: counts }),
  tlb: z.object({
    flushes: z.object({ total: count, byScope: z.partialRecord(flushScope, count), byCause: z.partialRecord(flushCause, count) }),
    misses: count,
    walkRefs: count,
  }),
  events: counts,
};

const run = z.object({
  workload: z.string(),
  category: z.string(),
  title: z.string(),
  engine: z.string(),
  engineId: z.string(),
  mode,
  options,
  params: options,
  ...phaseCounters,
  // absent in files written before phases existed, and for engines that do not separate them
  setup: z.object(phaseCounters).optional(),
  // (engine − native) / native × 100 with engine ≥ 0 cycles
  overheadPct: z.number().min(-100).nullable(),
  overheadAttribution: z.record(z.string(), z.number()).nullable(),
  timing: timing.nullable(),
  // absent in files written before per-run energy, and for failed runs
  energyJ: z.number().nonnegative().optional(),
  error: z.string().optional(),
  measured: z.record(z.string(), z.unknown()).optional(),
});

export const resultsFileSchema = z.object({
  schema: z.literal(RESULTS_SCHEMA),
  tool: z.object({ name: z.literal('hvbench'), version: z.string() }),
  createdAt: z.string(),
  host: z.object({ platform: z.string(), arch: z.string(), cpus: z.number().int().nonnegative(), cpuModel: z.string(), node: z.string() }),
  profile: z.string(),
  profileHash: z.string().regex(PROFILE_HASH_PATTERN).optional(),
  clockGhz: z.number().positive().optional(),
  // as `--seed` accepts it (scripts/commands/options.ts parseSeed)
  seed: z.number().int().min(0).max(0xffffffff),
  engines: z.array(z.object({ label: z.string(), id: z.string(), title: z.string(), mode, options })),
  workloads: z.array(z.object({
    id: z.string(), category: z.string(), title: z.string(), description: z.string(),
    perOp: z.object({ count: z.number().positive(), unit: z.string() }).optional(),
    notMeaningfulOnPv: z.string().optional(),
  })),
  runs: z.array(run),
  sweeps: z.array(z.object({
    engine: z.string(),
    swept: z.array(z.string()).min(1),
    columns: z.array(z.object({ label: z.string(), values: options })).min(1),
  })).optional(),
  seeds: z.object({
    seeds: z.array(z.number().int().min(0).max(0xffffffff)).min(2),
    runs: z.array(z.object({
      workload: z.string(),
      engine: z.string(),
      metrics: z.record(z.enum(Object.keys(SEED_METRICS) as [SeedMetric, ...SeedMetric[]]), z.object({
        values: z.array(z.number().nullable()),
        interval: z.object({ mean: z.number(), lo: z.number(), hi: z.number() }).nullable(),
      })),
    })),
  }).optional(),
  power: powerResultsSchema.optional(),
});

/** the JSON Schema (draft 2020-12) committed as reports/results.schema.json */
export function resultsJsonSchema(): object {
  return z.toJSONSchema(resultsFileSchema, { target: 'draft-2020-12', io: 'input' });
}

/** `$.runs[3].cycles.total` */
function jsonPath(path: readonly PropertyKey[]): string {
  return '$' + path.map((k) => (typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(String(k)) ? `.${clip(String(k))}` : `[${shown(String(k))}]`)).join('');
}

/** the JSON path of the second of two items with the same key, or null */
function duplicate<T>(items: readonly T[], key: (item: T) => string, path: string): string | null {
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const k = key(items[i]);
    if (seen.has(k)) return `${path}[${i}]: ${clip(k)} appears twice`;
    seen.add(k);
  }
  return null;
}

/** parse and validate a results file's text; throws UsageError `<file>: <path>: <problem>` */
export function parseResultsFile(text: string, fileName: string): ResultsFile {
  return validateResults(parseJsonText(text, fileName), fileName);
}

/** read, parse and validate the results file `path` (harness/json-file.ts: size, depth and BOM rules) */
export function readResultsFile(path: string): ResultsFile {
  return validateResults(readJsonFile(path, 'results file'), path);
}

function validateResults(data: unknown, fileName: string): ResultsFile {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !('schema' in data)) {
    throw new UsageError(`${fileName}: not an hvbench results file (no "schema": "${RESULTS_SCHEMA}" at $)`);
  }
  const version = (data as { schema: unknown }).schema;
  if (version !== RESULTS_SCHEMA) {
    throw new UsageError(`${fileName}: $.schema is ${shown(version)}; this hvbench reads "${RESULTS_SCHEMA}"`);
  }
  const runs = (data as { runs?: unknown }).runs;
  if (Array.isArray(runs) && runs.length > MAX_RUNS) {
    throw new UsageError(`${fileName}: $.runs has ${runs.length} runs; a results file may have at most ${MAX_RUNS}`);
  }
  const parsed = resultsFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
    throw new UsageError(`${fileName}: ${jsonPath(issue.path)}: ${issue.message}${more}`);
  }
  const results: ResultsFile = parsed.data;
  const twice =
    duplicate(results.runs, (r) => `run ${r.workload} · ${r.engine}`, '$.runs') ??
    duplicate(results.workloads, (w) => `workload ${w.id}`, '$.workloads') ??
    duplicate(results.engines, (e) => `engine ${e.label}`, '$.engines');
  if (twice) throw new UsageError(`${fileName}: ${twice}`);
  const mismatch = scanMismatch(results);
  if (mismatch) throw new UsageError(`${fileName}: ${mismatch}`);
  return results;
}

/** where `sweeps` or `seeds` disagree with the runs they describe, or null */
function scanMismatch(results: ResultsFile): string | null {
  const labels = new Set(results.engines.map((e) => e.label));
  for (const [i, sweep] of (results.sweeps ?? []).entries()) {
    const j = sweep.columns.findIndex((c) => !labels.has(c.label));
    if (j >= 0) return `$.sweeps[${i}].columns[${j}].label: ${shown(sweep.columns[j].label)} is not one of $.engines`;
  }
  const seeds = results.seeds;
  if (!seeds) return null;
  if (seeds.seeds[0] !== results.seed) return `$.seeds.seeds[0]: ${seeds.seeds[0]} is not $.seed (${results.seed}), whose runs $.runs holds`;
  if (seeds.runs.length !== results.runs.length) return `$.seeds.runs: ${seeds.runs.length} entries for ${results.runs.length} runs`;
  for (const [i, r] of seeds.runs.entries()) {
    if (r.workload !== results.runs[i].workload || r.engine !== results.runs[i].engine) return `$.seeds.runs[${i}]: ${shown(`${r.workload} · ${r.engine}`)} is not $.runs[${i}]`;
    for (const [name, stat] of Object.entries(r.metrics)) {
      if (stat.values.length !== seeds.seeds.length) return `$.seeds.runs[${i}].metrics.${name}.values: ${stat.values.length} values for ${seeds.seeds.length} seeds`;
    }
  }
  return null;
}
