// `validate --explain CASE`: which profile constants a case's value depends on. Each cost in the profile is
// scaled by −20 % and +20 %, one at a time with every other constant as profiled, and the case re-evaluated;
// constants are ranked by the mean relative change of the value, so a user sees which measured cost to
// calibrate first. Geometry (TLB and cache sizes) and feature flags are not costs and are left alone.
import type { CostProfile } from '../../engines/machine/profile.ts';
import { patchProfile, pathPatch } from './profile-patch.ts';

export const PERTURBATION = 0.2;

/** the profile sections holding costs (cycles, µs, watts), walked to every number; plus the TLB's hit costs */
const COST_SECTIONS = ['native', 'hvm', 'pv', 'devices'] as const;
const TLB_COSTS = ['l1HitCycles', 'l2HitCycles'] as const;
const POWER_COSTS = ['transitionLatencyUs', 'staticWattsPerCore', 'leakWattsAtP0', 'dynamicWattsAtP0'] as const;

export interface Sensitivity {
  /** dotted path in the profile: `hvm.exitHandler.CPUID` */
  path: string;
  base: number;
  /** the case's value with this constant at −20 % and +20 % */
  minus: number;
  plus: number;
  /** mean |value change| / |value| over the two perturbations */
  effect: number;
}

function numbersUnder(node: unknown, path: string[], out: string[][]): void {
  if (typeof node === 'number') out.push(path);
  else if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    for (const [key, child] of Object.entries(node)) numbersUnder(child, [...path, key], out);
  }
}

/** every cost constant of the profile, as paths */
export function costPaths(profile: CostProfile): string[][] {
  const out: string[][] = [];
  const tree = profile as unknown as Record<string, unknown>;
  for (const section of COST_SECTIONS) numbersUnder(tree[section], [section], out);
  for (const key of TLB_COSTS) numbersUnder(profile.tlb?.[key], ['tlb', key], out);
  for (const key of POWER_COSTS) numbersUnder(profile.power?.[key], ['power', key], out);
  return out;
}

function valueAt(profile: CostProfile, path: readonly string[]): number {
  let node: unknown = profile;
  for (const key of path) node = (node as Record<string, unknown>)[key];
  return node as number;
}

/** every cost's effect on `valueOf`, largest first (ties by path); `base` is the unperturbed value */
export async function explain(
  profile: CostProfile,
  valueOf: (profile: CostProfile) => Promise<number>,
): Promise<{ base: number; ranking: Sensitivity[] }> {
  const base = await valueOf(profile);
  const ranking: Sensitivity[] = [];
  for (const path of costPaths(profile)) {
    const constant = valueAt(profile, path);
    const minus = await valueOf(patchProfile(profile, pathPatch(path, constant * (1 - PERTURBATION))));
    const plus = await valueOf(patchProfile(profile, pathPatch(path, constant * (1 + PERTURBATION))));
    const scale = Math.abs(base) > 0 ? Math.abs(base) : 1;
    const effect = (Math.abs(minus - base) + Math.abs(plus - base)) / 2 / scale;
    ranking.push({ path: path.join('.'), base: constant, minus, plus, effect });
  }
  ranking.sort((a, b) => b.effect - a.effect || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { base, ranking };
}
