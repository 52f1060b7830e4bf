// A package power limit that binds. Four CPUs with turbo on run more than the limit allows, so RAPL lowers
// every core's frequency together; what each VM loses then depends on how it is limited. CPU 0 holds a VM
// capped at its 50 % booking (a cap in time: slower cycles shrink its work) beside an uncapped batch VM that
// takes the time it leaves; CPUs 1 and 2 run one batch VM each; CPU 3 a bursty web VM with a deadline.
import { Rng } from '../../engines/rng.ts';
import type { PowerScenario } from '../../engines/power/types.ts';
import { onOff, saturating } from './traces.ts';

const DURATION_MS = 10_000;

export const raplCapped: PowerScenario = {
  id: 'rapl-capped',
  title: 'Package power limit binding',
  description:
    'Four busy CPUs under a 30 W package limit (PL1 over 1 s, PL2 40 W over 10 ms): the limit holds every core near base. ' +
    'A VM capped at its 50 % booking shares CPU 0 with an uncapped VM; two batch VMs and a bursty web VM (30 ms deadline) have a CPU each. Shows who pays for the limit, and how each scheduler passes the slower cycles on.',
  cpus: 4,
  durationMs: DURATION_MS,
  turbo: true,
  // estimate of an administrator's limit: 7.5 W a core, between what a busy intel-modern core draws at base
  // (8 W) and one P-state lower (6.9 W), so the limit binds below base rather than only clipping turbo
  rapl: { pl1Watts: 30, tauMs: 1000, pl2Watts: 40, pl2WindowMs: 10 },
  vms: [
    { id: 'capped', cpu: 0, booked: 0.5, cap: 0.5, weight: 256, deadlineMs: null },
    { id: 'neighbour', cpu: 0, booked: 0.5, cap: null, weight: 256, deadlineMs: null },
    { id: 'batch-1', cpu: 1, booked: 1, cap: null, weight: 256, deadlineMs: null },
    { id: 'batch-2', cpu: 2, booked: 1, cap: null, weight: 256, deadlineMs: null },
    { id: 'web', cpu: 3, booked: 0.6, cap: null, weight: 256, deadlineMs: 30 },
  ],
  policies: ['performance', 'host-only', 'dvfs-aware-credits'],
  traces(seed) {
    const rng = new Rng(seed);
    // web: while ON a request in 60 % of milliseconds, 1.5 f_max-ms each on average (estimate)
    return [saturating(DURATION_MS, 1), saturating(DURATION_MS, 1), saturating(DURATION_MS, 1), saturating(DURATION_MS, 1), onOff(rng.fork(), DURATION_MS, 300, 300, 0.6, 1.5)];
  },
};
