// The Hagimont case (Middleware 2013): a VM that wants all the CPU it can get, capped at what its owner
// booked, shares a CPU with a VM that idles; a second CPU hosts two more idle VMs. The CPU looks half
// loaded, so a load-driven governor lowers the frequency, and the capped VM — limited in time, not in
// work — receives less capacity than it booked.
import { Rng } from '../../engines/rng.ts';
import type { PowerScenario } from '../../engines/power/types.ts';
import { periodic, saturating } from './traces.ts';

const DURATION_MS = 10_000;

/** an idle guest still wakes for its timer and housekeeping: ~0.2 ms every 10 ms (estimate, 2 % of a CPU) */
function idleGuest(rng: Rng) {
  return periodic(rng, DURATION_MS, 10, 2, 0.1, 0.3);
}

export const hagimontCapped: PowerScenario = {
  id: 'hagimont-capped',
  title: 'Busy capped VM next to idle VMs',
  description:
    'One VM saturates its vCPU but is capped at the 50 % of a CPU it booked; its CPU neighbour and the two VMs on the second CPU idle. ' +
    'Under a load-driven governor the host looks underloaded, the frequency drops, and the capped VM gets less than it booked.',
  cpus: 2,
  durationMs: DURATION_MS,
  vms: [
    { id: 'busy', cpu: 0, booked: 0.5, cap: 0.5, weight: 256, deadlineMs: null },
    { id: 'idle-1', cpu: 0, booked: 0.5, cap: 0.5, weight: 256, deadlineMs: null },
    { id: 'idle-2', cpu: 1, booked: 0.5, cap: 0.5, weight: 256, deadlineMs: null },
    { id: 'idle-3', cpu: 1, booked: 0.5, cap: 0.5, weight: 256, deadlineMs: null },
  ],
  traces(seed) {
    const rng = new Rng(seed);
    return [saturating(DURATION_MS, 1), idleGuest(rng.fork()), idleGuest(rng.fork()), idleGuest(rng.fork())];
  },
};
