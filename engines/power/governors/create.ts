// One governor instance per CPU (host) or per vCPU (guest): governors keep sampling state.
import type { Governor } from './governor.ts';
import type { EppPreference, GovernorId, PowerProfile } from '../types.ts';
import { FixedGovernor } from './fixed.ts';
import { OndemandGovernor, ONDEMAND_DEFAULTS, type OndemandTunables } from './ondemand.ts';
import { SchedutilGovernor } from './schedutil.ts';
import { AutonomousGovernor } from './autonomous.ts';
import { PasGovernor } from './pas.ts';

export interface GovernorSettings {
  /** `ondemand`: the tunables of the cpufreq that runs it (Xen's or a Linux kernel's); `pas`: the sampling of the ondemand it replaces */
  ondemand?: OndemandTunables;
  /** `autonomous`: the energy-performance preference written to the CPU */
  epp?: EppPreference;
}

export function createGovernor(id: GovernorId, profile: PowerProfile, { ondemand = ONDEMAND_DEFAULTS, epp = 'balance_performance' }: GovernorSettings = {}): Governor {
  switch (id) {
    case 'performance':
    case 'powersave':
      return new FixedGovernor(id, profile);
    case 'ondemand':
      return new OndemandGovernor(profile, ondemand);
    case 'schedutil':
      return new SchedutilGovernor(profile);
    case 'autonomous':
      return new AutonomousGovernor(profile, epp);
    case 'pas':
      return new PasGovernor(profile, ondemand.samplingMs, ondemand.phaseMs);
  }
}
