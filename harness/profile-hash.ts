// A cost profile's content as a hash, recorded in every results file (`profileHash`) so that `compare` can
// tell two profiles apart that share an id: a profile file may keep the id `intel-modern` and change every
// cost. SHA-256 of the profile's canonical JSON — object keys sorted at every level, so the order a file
// lists its fields in does not matter, and the same costs always give the same hash.
import { createHash } from 'node:crypto';
import type { CostProfile } from '../engines/machine/profile.ts';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

export function profileHash(profile: CostProfile): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical(profile))).digest('hex')}`;
}
