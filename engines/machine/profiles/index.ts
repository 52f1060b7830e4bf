// The built-in cost profiles by id. `intel-modern` is the default: the hardware most readers run on today.
import type { CostProfile } from '../profile.ts';
import { UsageError } from '../../../harness/errors.ts';
import { INTEL_MODERN } from './intel-modern.ts';
import { AMD_MODERN } from './amd-modern.ts';
import { CORE2_2007 } from './core2-2007.ts';

export const DEFAULT_PROFILE = 'intel-modern';

const PROFILES: readonly CostProfile[] = [INTEL_MODERN, AMD_MODERN, CORE2_2007];

export function listProfiles(): readonly CostProfile[] {
  return PROFILES;
}

export function getProfile(id: string): CostProfile {
  const found = PROFILES.find((p) => p.id === id);
  if (!found) {
    throw new UsageError(`unknown profile '${id}'; known profiles: ${PROFILES.map((p) => p.id).join(', ')}`);
  }
  return found;
}
