// VirtualPower across servers (Nathuji & Schwan, SOSP 2007): eight lightly loaded web VMs, one per CPU on
// four two-CPU servers, then the same VMs after VirtualPower's global rule packed them (engines/power/vpm-global.ts)
// and powered the empty servers down. The paper's direction: soft and hardware scaling on each server
// save a little, consolidation saves most, because a powered server draws its platform power whatever its
// cores do. Both placements run under performance and under VirtualPower's local rules.
import { Rng } from '../../engines/rng.ts';
import type { PowerScenario } from '../../engines/power/types.ts';
import { consolidated } from '../../engines/power/vpm-global.ts';
import { onOff } from './traces.ts';

const DURATION_MS = 5000;
const VMS = 8;

export const vpmSpread: PowerScenario = {
  id: 'vpm-spread',
  title: 'Eight web VMs spread over four servers',
  description:
    'Eight web VMs (on/off bursts, ~18 % of a CPU each, 30 ms objective), one per CPU on four two-CPU servers, each server drawing 40 W of platform power while on. ' +
    'VirtualPower\'s local rules (soft and hardware scaling) against performance, before consolidation.',
  cpus: 2 * 4,
  hosts: 4,
  // estimate: memory, disks, fans and supply losses of a small server that are on while it is; servers of the
  // time drew about half their peak power idle (Barroso and Hölzle, "The Case for Energy-Proportional
  // Computing", IEEE Computer 2007), most of it outside the cores
  platformWattsPerHost: 40,
  durationMs: DURATION_MS,
  vms: Array.from({ length: VMS }, (_, v) => ({ id: `web-${v + 1}`, cpu: v, booked: 0.25, cap: null, weight: 256, deadlineMs: 30 })),
  policies: ['performance', 'soft-pstates'],
  traces(seed) {
    const rng = new Rng(seed);
    // while ON (~30 ms of every ~100) a request in 30 % of milliseconds, 2 f_max-ms each on average:
    // 0.3 × 2 × 30 / 100 = 18 % of a CPU (estimate); bursts short enough that 5 s averages them out
    return Array.from({ length: VMS }, () => onOff(rng.fork(), DURATION_MS, 30, 70, 0.3, 2));
  },
};

/** the global rule observes the traffic of seed 0, a run before the measured ones */
export const vpmConsolidated: PowerScenario = consolidated(
  vpmSpread,
  'vpm-consolidated',
  'The same VMs after VirtualPower consolidation',
  'VirtualPower\'s global rule packed the eight web VMs by their observed demand onto as few CPUs as fill 80 % and powered the empty servers down; the same traffic as vpm-spread.',
  0,
);
