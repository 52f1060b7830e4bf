// Demand-trace generators for the power scenarios. Work is in f_max-milliseconds (engines/power/types.ts);
// arrivals fall on whole milliseconds, the simulation's step. All randomness comes from the Rng passed in.
import type { Rng } from '../../engines/rng.ts';
import type { DemandTrace } from '../../engines/power/types.ts';

function toTrace(arrivals: number[], work: number[]): DemandTrace {
  return { arrivalMs: Float64Array.from(arrivals), work: Float64Array.from(work) };
}

/** exponentially distributed, mean `mean` (inverse-CDF sampling) */
function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

/** always more work than a CPU at f_max can do: `perMs` f_max-ms arrive every millisecond */
export function saturating(durationMs: number, perMs: number): DemandTrace {
  const n = durationMs;
  return { arrivalMs: Float64Array.from({ length: n }, (_, i) => i), work: new Float64Array(n).fill(perMs) };
}

/** a request every `periodMs` ± `jitterMs`, each of uniform work in [workMin, workMax] */
export function periodic(
  rng: Rng,
  durationMs: number,
  periodMs: number,
  jitterMs: number,
  workMin: number,
  workMax: number,
): DemandTrace {
  const arrivals: number[] = [];
  const work: number[] = [];
  for (let base = rng.int(periodMs); base < durationMs; base += periodMs) {
    const at = Math.min(durationMs - 1, Math.max(0, base + rng.int(2 * jitterMs + 1) - jitterMs));
    arrivals.push(at);
    work.push(workMin + rng.next() * (workMax - workMin));
  }
  // jitter can reorder neighbours; the simulation needs arrival order
  const order = arrivals.map((_, i) => i).sort((a, b) => arrivals[a] - arrivals[b] || a - b);
  return toTrace(order.map((i) => arrivals[i]), order.map((i) => work[i]));
}

/**
 * web-like on/off bursts: ON and OFF periods of exponential length; while ON, each millisecond a request
 * arrives with probability `arrivalProb`, its work exponential with mean `meanWork` (heavy-ish tail)
 */
export function onOff(
  rng: Rng,
  durationMs: number,
  meanOnMs: number,
  meanOffMs: number,
  arrivalProb: number,
  meanWork: number,
): DemandTrace {
  const arrivals: number[] = [];
  const work: number[] = [];
  let t = Math.floor(exponential(rng, meanOffMs));
  while (t < durationMs) {
    const end = Math.min(durationMs, t + Math.max(1, Math.round(exponential(rng, meanOnMs))));
    for (; t < end; t++) {
      if (rng.next() < arrivalProb) {
        arrivals.push(t);
        work.push(exponential(rng, meanWork));
      }
    }
    t += Math.max(1, Math.round(exponential(rng, meanOffMs)));
  }
  return toTrace(arrivals, work);
}
