// Race-to-idle against DVFS, with turbo on and off. Four VMs, one per CPU, each running a batch job every
// 100 ± 20 ms. Racing finishes a job sooner and lets the package reach
// its package C-state, but above base the voltage rises with the frequency and a unit of work costs V²
// more; how fast the race runs depends on how many cores race together (the turbo limit per active cores).
import { Rng } from '../../engines/rng.ts';
import type { PowerScenario } from '../../engines/power/types.ts';
import { periodic } from './traces.ts';

const DURATION_MS = 5_000;

/** a job of 10–30 f_max-ms every 100 ± 20 ms: 20 % of a CPU at f_max (estimate: a periodic batch task) */
function jobs(rng: Rng) {
  return periodic(rng, DURATION_MS, 100, 20, 10, 30);
}

function raceToIdle(turbo: boolean): PowerScenario {
  return {
    id: turbo ? 'turbo-race' : 'base-race',
    title: turbo ? 'Periodic jobs, turbo on' : 'Periodic jobs, turbo off',
    description:
      `Four VMs on four CPUs, each a 10–30 ms job every 100 ± 20 ms (100 ms deadline), on a host with turbo ${turbo ? 'enabled: P0 requests run at the turbo limit for the number of active cores' : 'disabled: P0 is the base clock'}. ` +
      'Shows whether racing to idle or crawling at the lowest P-state uses less energy; the two scenarios together show what turbo costs per unit of work.',
    cpus: 4,
    durationMs: DURATION_MS,
    turbo,
    vms: [0, 1, 2, 3].map((cpu) => ({ id: `job-${cpu + 1}`, cpu, booked: 0.25, cap: null, weight: 256, deadlineMs: 100 })),
    policies: ['performance', 'powersave', 'host-only'],
    traces(seed) {
      const rng = new Rng(seed);
      return [jobs(rng.fork()), jobs(rng.fork()), jobs(rng.fork()), jobs(rng.fork())];
    },
  };
}

export const turboRace = raceToIdle(true);
export const baseRace = raceToIdle(false);
