// Cost profiles from JSON files: `--profile host` reads the one `hvbench calibrate` writes, and
// `--profile ./my-profile.json` any other. A file either has every field of the built-in profiles, or says
// `"extends": "<built-in id>"` and gives only what differs: objects merge key by key over that profile, any
// other value (numbers, strings, arrays) replaces the built-in one — so a file keeps loading when a later
// version adds fields. Either way the result must have every field with the built-in profile's types (extra
// fields, such as calibrate's `calibration` block, are kept) and values in range (profile-ranges.ts); the
// first field that does not fit is named in a one-line error.
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import type { CostProfile } from '../profile.ts';
import { UsageError } from '../../../harness/errors.ts';
import { profileRangeProblem } from './profile-ranges.ts';
import { readJsonFile } from '../../../harness/json-file.ts';

export const HOST_PROFILE_PATH = join(homedir(), '.hvbench', 'host-profile.json');

function kind(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

/** the path of the first field of `value` that does not have the shape of `reference`, or null */
function mismatch(value: unknown, reference: unknown, path: string): string | null {
  if (kind(value) !== kind(reference)) return `${path}: expected ${kind(reference)}, got ${kind(value)}`;
  if (typeof reference === 'number' && !Number.isFinite(value)) return `${path}: expected a finite number`;
  if (Array.isArray(reference)) {
    const items = value as unknown[];
    if (items.length === 0) return `${path}: expected a non-empty array`;
    for (let i = 0; i < items.length; i++) {
      const m = mismatch(items[i], reference[0], `${path}[${i}]`);
      if (m) return m;
    }
  } else if (kind(reference) === 'object') {
    for (const [key, ref] of Object.entries(reference as Record<string, unknown>)) {
      const m = mismatch((value as Record<string, unknown>)[key], ref, path ? `${path}.${key}` : key);
      if (m) return m;
    }
  }
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return kind(v) === 'object';
}

/** `overrides` over `base`: objects merged key by key, anything else replaced */
function merge(base: unknown, overrides: unknown): unknown {
  if (!isObject(base) || !isObject(overrides)) return overrides;
  const out: Record<string, unknown> = { ...base };
  // defined, not assigned: a "__proto__" key from the file stays an ordinary (ignored) field
  for (const [key, value] of Object.entries(overrides)) {
    Object.defineProperty(out, key, { value: Object.hasOwn(base, key) ? merge(base[key], value) : value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** what `value` changes of `base`, as the smallest object `merge` turns back into `value`; undefined if nothing */
function changes(value: unknown, base: unknown): unknown {
  if (!isObject(value) || !isObject(base)) return JSON.stringify(value) === JSON.stringify(base) ? undefined : value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const c = key in base ? changes(v, base[key]) : v;
    if (c !== undefined) out[key] = c;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** a profile file's content for `profile`: `extends` the built-in `base` and states only what differs from it */
export function profileFileContent(profile: object, base: CostProfile): Record<string, unknown> {
  return { extends: base.id, ...(changes(profile, base) as Record<string, unknown> | undefined) };
}

/** `builtin(id)`: the built-in profile an `extends` names, or undefined */
export function loadProfileFile(file: string, reference: CostProfile, builtin: (id: string) => CostProfile | undefined = () => undefined): CostProfile {
  let parsed = readJsonFile(file, 'profile', file === HOST_PROFILE_PATH ? ' (run `hvbench calibrate` first)' : '');
  if (isObject(parsed) && 'extends' in parsed) {
    const { extends: name, ...overrides } = parsed;
    const base = typeof name === 'string' ? builtin(name) : undefined;
    if (base === undefined) throw new UsageError(`${file}: extends: not a built-in profile: ${JSON.stringify(name)?.slice(0, 40)}`);
    reference = base;
    // a file that names no id is known by its file name, not as the profile it extends
    parsed = merge(base, { id: basename(file, '.json'), ...overrides });
  }
  const problem = mismatch(parsed, reference, '');
  if (problem) throw new UsageError(`${file}: not a cost profile: ${problem}`);
  const range = profileRangeProblem(parsed as CostProfile, reference);
  if (range) throw new UsageError(`${file}: ${range}`);
  return parsed as CostProfile;
}
