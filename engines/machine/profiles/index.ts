// The built-in cost profiles by id. `intel-modern` is the default: the hardware most readers run on today.
// `host` is the profile `hvbench calibrate` measured on this machine; a path to a .json file loads that file.
import type { CostProfile } from '../profile.ts';
import { UsageError } from '../../../harness/errors.ts';
import { INTEL_MODERN } from './intel-modern.ts';
import { AMD_MODERN } from './amd-modern.ts';
import { CORE2_2007 } from './core2-2007.ts';
import { HOST_PROFILE_PATH, loadProfileFile } from './profile-file.ts';

export const DEFAULT_PROFILE = 'intel-modern';

const PROFILES: readonly CostProfile[] = [INTEL_MODERN, AMD_MODERN, CORE2_2007];

export function listProfiles(): readonly CostProfile[] {
  return PROFILES;
}

export function getProfile(id: string): CostProfile {
  const found = PROFILES.find((p) => p.id === id);
  if (found) return found;
  const builtin = (name: string) => PROFILES.find((p) => p.id === name);
  if (id === 'host') return loadProfileFile(HOST_PROFILE_PATH, INTEL_MODERN, builtin);
  if (id.endsWith('.json')) return loadProfileFile(id, INTEL_MODERN, builtin);
  throw new UsageError(`unknown profile '${id}'; known profiles: ${PROFILES.map((p) => p.id).join(', ')}, host (from hvbench calibrate), or a .json file`);
}
