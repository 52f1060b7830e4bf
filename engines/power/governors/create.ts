// One governor instance per CPU (host) or per vCPU (guest): governors keep sampling state.
import type { Governor } from './governor.ts';
import type { GovernorId, PowerProfile } from '../types.ts';
import { FixedGovernor } from './fixed.ts';
import { OndemandGovernor, ONDEMAND_DEFAULTS, type OndemandTunables } from './ondemand.ts';
import { SchedutilGovernor } from './schedutil.ts';

/** `ondemand`: the tunables of the cpufreq that runs it (Xen's or a Linux kernel's) */
export function createGovernor(id: GovernorId, profile: PowerProfile, ondemand: OndemandTunables = ONDEMAND_DEFAULTS): Governor {
  switch (id) {
    case 'performance':
    case 'powersave':
      return new FixedGovernor(id, profile);
    case 'ondemand':
      return new OndemandGovernor(profile, ondemand);
    case 'schedutil':
      return new SchedutilGovernor(profile);
  }
}
