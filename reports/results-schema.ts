// The results file (harness/results.ts) as a zod schema, and the reader the `report` and `compare` commands
// use: a bad file is one line naming the file, the JSON path and the problem (a UsageError, exit 2).
// Documented field by field in reports/SCHEMA.md; exported as JSON Schema in reports/results.schema.json.
import { z } from 'zod';
import { powerResultsSchema } from '../engines/power/schema.ts';
import { RESULTS_SCHEMA, type ResultsFile } from '../harness/results.ts';
import { UsageError } from '../harness/errors.ts';

const count = z.number().nonnegative();
const counts = z.record(z.string(), count);
const option = z.union([z.string(), z.number(), z.boolean()]);
const options = z.record(z.string(), option);
const mode = z.enum(['simulated', 'measured']);
const flushScope = z.enum(['full', 'nonGlobal', 'single', 'tagged', 'remote']);
const flushCause = z.enum(['cr3', 'invlpg', 'hypercall', 'vmentry', 'shootdown', 'grantUnmap']);

const timing = z.object({
  meanMs: count,
  p75Ms: count,
  p99Ms: count,
  rme: count,
  samples: z.number().int().nonnegative(),
  samplesMs: z.array(count),
});

const run = z.object({
  workload: z.string(),
  category: z.string(),
  title: z.string(),
  engine: z.string(),
  engineId: z.string(),
  mode,
  options,
  params: options,
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
  overheadPct: z.number().nullable(),
  overheadAttribution: z.record(z.string(), z.number()).nullable(),
  timing: timing.nullable(),
  error: z.string().optional(),
  measured: z.record(z.string(), z.unknown()).optional(),
});

export const resultsFileSchema = z.object({
  schema: z.literal(RESULTS_SCHEMA),
  tool: z.object({ name: z.literal('hvbench'), version: z.string() }),
  createdAt: z.string(),
  host: z.object({ platform: z.string(), arch: z.string(), cpus: z.number().int().nonnegative(), cpuModel: z.string(), node: z.string() }),
  profile: z.string(),
  seed: z.number().int(),
  engines: z.array(z.object({ label: z.string(), id: z.string(), title: z.string(), mode, options })),
  workloads: z.array(z.object({ id: z.string(), category: z.string(), title: z.string(), description: z.string() })),
  runs: z.array(run),
  power: powerResultsSchema.optional(),
});

/** the JSON Schema (draft 2020-12) committed as reports/results.schema.json */
export function resultsJsonSchema(): object {
  return z.toJSONSchema(resultsFileSchema, { target: 'draft-2020-12', io: 'input' });
}

/** `$.runs[3].cycles.total` */
function jsonPath(path: readonly PropertyKey[]): string {
  return '$' + path.map((k) => (typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(String(k)) ? `.${String(k)}` : `[${JSON.stringify(String(k))}]`)).join('');
}

/** parse and validate a results file's text; throws UsageError `<file>: <path>: <problem>` */
export function parseResultsFile(text: string, fileName: string): ResultsFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${fileName}: not JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !('schema' in data)) {
    throw new UsageError(`${fileName}: not an hvbench results file (no "schema": "${RESULTS_SCHEMA}" at $)`);
  }
  const version = (data as { schema: unknown }).schema;
  if (version !== RESULTS_SCHEMA) {
    throw new UsageError(`${fileName}: $.schema is ${JSON.stringify(version)}; this hvbench reads "${RESULTS_SCHEMA}"`);
  }
  const parsed = resultsFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
    throw new UsageError(`${fileName}: ${jsonPath(issue.path)}: ${issue.message}${more}`);
  }
  const results: ResultsFile = parsed.data;
  return results;
}
