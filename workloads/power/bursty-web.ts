// Bursty web-like VMs: on/off traffic (bursts of ~300 ms, ~700 ms quiet, after the on/off source models of
// web traffic), requests of exponential size with a 30 ms response-time objective. Two VMs share CPU 0 and
// can overload it together; the third has CPU 1 to itself. No caps: the schedulers are work-conserving.
import { Rng } from '../../engines/rng.ts';
import type { PowerScenario } from '../../engines/power/types.ts';
import { onOff } from './traces.ts';

const DURATION_MS = 10_000;

/** while ON: a request in 30 % of milliseconds, 2 f_max-ms each on average → 60 % of a CPU (estimate) */
function webTrace(rng: Rng) {
  return onOff(rng, DURATION_MS, 300, 700, 0.3, 2);
}

export const burstyWeb: PowerScenario = {
  id: 'bursty-web',
  title: 'Bursty web-like VMs',
  description:
    'Three web VMs with on/off request bursts and a 30 ms response-time objective; two share a CPU. ' +
    'Shows how quickly each governor follows bursts, and what a slow reaction costs in SLA misses.',
  cpus: 2,
  durationMs: DURATION_MS,
  vms: [
    { id: 'web-1', cpu: 0, booked: 0.5, cap: null, weight: 256, deadlineMs: 30 },
    { id: 'web-2', cpu: 0, booked: 0.5, cap: null, weight: 256, deadlineMs: 30 },
    { id: 'web-3', cpu: 1, booked: 0.5, cap: null, weight: 256, deadlineMs: 30 },
  ],
  traces(seed) {
    const rng = new Rng(seed);
    return [webTrace(rng.fork()), webTrace(rng.fork()), webTrace(rng.fork())];
  },
};
