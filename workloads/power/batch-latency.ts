// A batch VM and a latency-sensitive VM on one CPU. The batch VM keeps the CPU busy, so a host governor
// stays at P0; the latency VM's own governor sees a mostly idle guest and asks for the slowest P-state —
// which, if it reaches the hardware, slows the batch VM too (the governor conflict).
import { Rng } from '../../engines/rng.ts';
import type { PowerScenario } from '../../engines/power/types.ts';
import { periodic, saturating } from './traces.ts';

const DURATION_MS = 10_000;

export const batchLatency: PowerScenario = {
  id: 'batch-latency',
  title: 'Batch VM plus latency-sensitive VM',
  description:
    'A saturating batch VM (booked 60 %) and a request/response VM (booked 40 %, a 0.5–1.5 ms request every 20 ± 5 ms, 5 ms deadline) share one CPU. ' +
    'Shows the scheduler wake-up path (Xen BOOST, CFS wake-up preemption) and guest governors pulling the frequency down under a busy neighbour.',
  cpus: 1,
  durationMs: DURATION_MS,
  vms: [
    { id: 'batch', cpu: 0, booked: 0.6, cap: null, weight: 384, deadlineMs: null },
    { id: 'latency', cpu: 0, booked: 0.4, cap: null, weight: 256, deadlineMs: 5 },
  ],
  traces(seed) {
    const rng = new Rng(seed);
    return [saturating(DURATION_MS, 1), periodic(rng.fork(), DURATION_MS, 20, 5, 0.5, 1.5)];
  },
};
