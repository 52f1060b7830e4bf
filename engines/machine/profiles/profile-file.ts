// Cost profiles from JSON files: `--profile host` reads the one `hvbench calibrate` writes, and
// `--profile ./my-profile.json` any other. A file must have every field of the built-in profiles, with the
// same types (extra fields, such as calibrate's `calibration` block, are kept) and values in range
// (profile-ranges.ts); the first field that does not fit is named in a one-line error.
import { homedir } from 'node:os';
import { join } from 'node:path';
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

export function loadProfileFile(file: string, reference: CostProfile): CostProfile {
  const parsed = readJsonFile(file, 'profile', file === HOST_PROFILE_PATH ? ' (run `hvbench calibrate` first)' : '');
  const problem = mismatch(parsed, reference, '');
  if (problem) throw new UsageError(`${file}: not a cost profile: ${problem}`);
  const range = profileRangeProblem(parsed as CostProfile, reference);
  if (range) throw new UsageError(`${file}: ${range}`);
  return parsed as CostProfile;
}
