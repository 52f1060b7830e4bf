// One governor instance per CPU (host) or per vCPU (guest): governors keep sampling state.
import type { Governor } from './governor.ts';
import type { GovernorId, PowerProfile } from '../types.ts';
import { FixedGovernor } from './fixed.ts';
import { OndemandGovernor } from './ondemand.ts';
import { SchedutilGovernor } from './schedutil.ts';

export function createGovernor(id: GovernorId, profile: PowerProfile): Governor {
  switch (id) {
    case 'performance':
    case 'powersave':
      return new FixedGovernor(id, profile);
    case 'ondemand':
      return new OndemandGovernor(profile);
    case 'schedutil':
      return new SchedutilGovernor(profile);
  }
}
