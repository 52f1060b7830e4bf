// The value ranges of a cost profile, checked when a profile file is loaded so that no engine ever runs with
// a clock of 0 GHz, a cost of 1e308 or a TLB of zero sets. The check walks the profile beside a reference
// profile (a built-in one), so a field added to CostProfile is covered without editing this file: every
// number is finite and within [0, MAX_PROFILE_NUMBER] unless a rule below narrows it; every list has at most
// MAX_PROFILE_LIST entries; a record of numbers (hvm.exitHandler) has its extra keys checked the same way.
import type { CostProfile } from '../profile.ts';
import {
  MAX_CACHE_PAGES, MAX_PROFILE_LIST, MAX_PROFILE_NUMBER, MAX_PWC_ENTRIES, MAX_TLB_SETS, MAX_TLB_WAYS, PROFILE_GHZ,
} from '../../../harness/limits.ts';
import { validatePowerProfile } from '../../power/p-states.ts';

interface Rule {
  /** matches a field's path, e.g. `tlb.l2.sets`, `power.pStates[3].mhz` */
  path: RegExp;
  min: number;
  max: number;
  /** the minimum itself is excluded (a divisor) */
  above?: boolean;
  integer?: boolean;
  powerOfTwo?: boolean;
}

const RULES: readonly Rule[] = [
  { path: /^ghz$/, min: PROFILE_GHZ.min, max: PROFILE_GHZ.max },
  // the set index is the low bits of the page number (tlb.ts), as in the hardware
  { path: /^tlb\.\w+\.sets$/, min: 1, max: MAX_TLB_SETS, integer: true, powerOfTwo: true },
  { path: /^tlb\.\w+\.ways$/, min: 1, max: MAX_TLB_WAYS, integer: true },
  { path: /^pwc\.\w+$/, min: 0, max: MAX_PWC_ENTRIES, integer: true },
  // a slot is the frame number's low bits (page-recency.ts); the near caches hold at least one page
  { path: /^dataCache\.nearPages$/, min: 1, max: MAX_CACHE_PAGES, integer: true, powerOfTwo: true },
  { path: /^dataCache\.llcPages$/, min: 0, max: MAX_CACHE_PAGES, integer: true, powerOfTwo: true },
  // divisors, bounded away from 0 so that a quotient stays finite: device throughput (1 B/µs = 1 MB/s, slower
  // than any disk or NIC), P-state frequency (1 MHz) and voltage
  { path: /BytesPerUs$/, min: 1, max: MAX_PROFILE_NUMBER },
  { path: /^power\.pStates\[\d+\]\.mhz$/, min: 1, max: MAX_PROFILE_NUMBER },
  { path: /^power\.pStates\[\d+\]\.volts$/, min: 0, max: MAX_PROFILE_NUMBER, above: true },
  { path: /^power\.turbo\[\d+\]\.mhz$/, min: 1, max: MAX_PROFILE_NUMBER },
  { path: /^power\.turbo\[\d+\]\.volts$/, min: 0, max: MAX_PROFILE_NUMBER, above: true },
  { path: /^power\.pStateDomainCores$/, min: 1, max: MAX_PROFILE_NUMBER, integer: true },
];

const DEFAULT_RULE: Rule = { path: /$/, min: 0, max: MAX_PROFILE_NUMBER };

function kind(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

function numberProblem(value: number, path: string): string | null {
  const rule = RULES.find((r) => r.path.test(path)) ?? DEFAULT_RULE;
  const range = `${rule.above ? `above ${rule.min}` : `from ${rule.min}`} to ${rule.max}`;
  const ok = Number.isFinite(value) && (rule.above ? value > rule.min : value >= rule.min) && value <= rule.max &&
    (!rule.integer || Number.isInteger(value)) && (!rule.powerOfTwo || (value & (value - 1)) === 0);
  if (ok) return null;
  const what = rule.powerOfTwo ? 'a power of two' : rule.integer ? 'an integer' : 'a number';
  return `${path}: must be ${what} ${range} (got ${value})`;
}

function rangeProblem(value: unknown, reference: unknown, path: string): string | null {
  if (typeof value === 'number') return numberProblem(value, path);
  if (Array.isArray(value)) {
    if (value.length > MAX_PROFILE_LIST) return `${path}: at most ${MAX_PROFILE_LIST} entries (got ${value.length})`;
    for (let i = 0; i < value.length; i++) {
      const p = rangeProblem(value[i], (reference as unknown[])[0], `${path}[${i}]`);
      if (p) return p;
    }
    return null;
  }
  if (kind(value) !== 'object' || kind(reference) !== 'object') return null;
  const ref = reference as Record<string, unknown>;
  const numbersOnly = Object.values(ref).every((v) => typeof v === 'number');
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const at = path ? `${path}.${key}` : key;
    // a field the model does not read (calibrate's `calibration` block) is kept as it is
    if (!(key in ref) && !numbersOnly) continue;
    if (!(key in ref) && typeof v !== 'number') return `${at}: expected number, got ${kind(v)}`;
    const p = rangeProblem(v, ref[key], at);
    if (p) return p;
  }
  return null;
}

/**
 * The first field of `profile` (already of the reference's shape) out of range, as `path: problem`, or null.
 * The power block's ordering rules (P-states fastest first, ...) are power/p-states.ts's.
 */
export function profileRangeProblem(profile: CostProfile, reference: CostProfile): string | null {
  const p = rangeProblem(profile, reference, '');
  if (p) return p;
  const power = validatePowerProfile(profile.power);
  return power.length > 0 ? `power: ${power[0]}` : null;
}
