// A cost profile with some fields replaced: validation cases switch hardware off (e.g. every paging-structure
// cache for the 24-reference walk) and `validate --explain` scales one cost at a time. The profile given is
// never modified; the objects on the patched paths are copied.
import type { CostProfile } from '../../engines/machine/profile.ts';
import type { ProfilePatch } from './types.ts';

type Tree = { [key: string]: unknown };

function merge(base: Tree, patch: ProfilePatch): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    out[key] = typeof value === 'number' ? value : merge((base[key] ?? {}) as Tree, value);
  }
  return out;
}

export function patchProfile(profile: CostProfile, patch: ProfilePatch | undefined): CostProfile {
  return patch ? (merge(profile as unknown as Tree, patch) as unknown as CostProfile) : profile;
}

/** the patch that sets the number at `path` to `value` */
export function pathPatch(path: readonly string[], value: number): ProfilePatch {
  let patch: number | ProfilePatch = value;
  for (let i = path.length - 1; i >= 0; i--) patch = { [path[i]]: patch };
  return patch as ProfilePatch;
}
