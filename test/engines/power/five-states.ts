// A power profile for unit tests: five P-states 3000 … 1000 MHz in 500 MHz steps, round numbers to derive by hand.
import type { PowerProfile } from '../../../engines/power/types.ts';

export const fiveStates: PowerProfile = {
  pStates: [3000, 2500, 2000, 1500, 1000].map((mhz) => ({ mhz, volts: 0.6 + mhz / 7500 })),
  transitionLatencyUs: 10,
  staticWattsPerCore: 1,
  leakWattsAtP0: 1,
  dynamicWattsAtP0: 4,
  idle: { state: 'C6', watts: 0.1 },
  autonomous: 'none',
};
