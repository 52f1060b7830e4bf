// User-defined workloads: a JSON file of guest operations (`hvbench run --workload-file F`). Any mistake —
// unreadable file, bad JSON, schema violation, an operation that cannot run at its point in the stream, work or
// simulated memory past a limit (harness/limits.ts), a duplicate id — is one UsageError line naming the file,
// the JSON path and the problem.
import type { z } from 'zod';
import { UsageError, clip, shown as show } from '../harness/errors.ts';
import { readJsonFile } from '../harness/json-file.ts';
import { OP_NAMES, workloadFileSchema, type WorkloadFile } from './file-schema.ts';
import { builtinWorkloads, isBuiltinId } from './registry.ts';
import { checkStream, type StreamBudget } from './stream-check.ts';
import {
  MAX_FILE_EVENTS, MAX_PROCESSES, MAX_REGIONS_PER_PROCESS, MAX_TABLE_PAGES, MAX_TOUCHED_BYTES,
} from '../harness/limits.ts';
import { closeMatches } from './suggest.ts';
import type { Workload } from './types.ts';

type PathKey = PropertyKey;

/** `ops[2].count` */
function jsonPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${clip(String(key))}` : clip(String(key));
  return out || '(top level)';
}

function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  let v = data;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a fraction';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** the first schema issue as `path: problem` (also used by workloads/power/file.ts) */
export function describe(issue: z.core.$ZodIssue, data: unknown): string {
  const got = valueAt(data, issue.path);
  const shown = show(got);
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${jsonPath([...issue.path, issue.keys[0]])}: unknown field ${show(issue.keys[0])}`;
    case 'invalid_union': {
      if (got === undefined) return `${jsonPath(issue.path)}: missing; every operation needs "op"`;
      const near = closeMatches(clip(String(got)), OP_NAMES);
      return `${jsonPath(issue.path)}: unknown op ${shown}` +
        (near.length ? `; did you mean ${near.join(', ')}?` : `; known ops: ${OP_NAMES.join(', ')}`);
    }
    case 'invalid_type':
      if (got === undefined) return `${jsonPath(issue.path)}: missing required field (${issue.expected})`;
      if (issue.expected === 'int') return `${jsonPath(issue.path)}: must be an integer (got ${shown})`;
      return `${jsonPath(issue.path)}: expected ${issue.expected}, got ${jsonType(got)} (${shown})`;
    case 'too_small':
      if (issue.origin === 'array') return `${jsonPath(issue.path)}: must not be empty`;
      if (issue.origin === 'string') return `${jsonPath(issue.path)}: must not be empty`;
      return `${jsonPath(issue.path)}: must be ${Number(issue.minimum) === 0 && issue.inclusive ? 'non-negative' : issue.inclusive ? `≥ ${issue.minimum}` : `> ${issue.minimum}`} (got ${shown})`;
    case 'too_big':
      return `${jsonPath(issue.path)}: must be ≤ ${issue.maximum} (got ${shown})`;
    case 'invalid_value':
      return `${jsonPath(issue.path)}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${shown})`;
    default:
      return `${jsonPath(issue.path)}: ${issue.message} (got ${shown})`;
  }
}

/** what one workload file may cost (harness/limits.ts) */
const FILE_BUDGET: StreamBudget = {
  events: MAX_FILE_EVENTS,
  tablePages: MAX_TABLE_PAGES,
  touchedBytes: MAX_TOUCHED_BYTES,
  regionsPerProcess: MAX_REGIONS_PER_PROCESS,
  processes: MAX_PROCESSES,
};

function parseFile(path: string): WorkloadFile {
  const data = readJsonFile(path, 'workload file');
  const parsed = workloadFileSchema.safeParse(data);
  if (!parsed.success) throw new UsageError(`${path}: ${describe(parsed.error.issues[0], data)}`);
  return parsed.data as WorkloadFile;
}

/**
 * Load and validate one workload file. `taken` holds the ids already in use (built-ins and earlier files);
 * reusing one is an error.
 */
export function loadWorkloadFile(path: string, taken: Iterable<string> = builtinWorkloads().map((w) => w.id)): Workload {
  const file = parseFile(path);
  if ([...taken].includes(file.id)) {
    throw new UsageError(
      `${path}: id: ${show(file.id)} is already used by ${isBuiltinId(file.id) ? 'a built-in workload' : 'another workload file'}`,
    );
  }
  const problem = checkStream(file.ops, FILE_BUDGET);
  if (problem) throw new UsageError(`${path}: ops[${problem.index}].${problem.field}: ${problem.message}`);
  const ops = file.ops;
  return {
    id: file.id,
    category: file.category,
    title: file.title,
    description: file.description ?? `User-defined workload from ${path}.`,
    params: {},
    file: path,
    *generate() {
      for (const op of ops) yield { ...op };
    },
  };
}
