// Work an engine does once for many pairs (a lab engine building its image and booting the emulated machine
// it then keeps for the pairs that follow, minutes under TCG) is not the pair's work: the worker tells the
// pool to stop the pair's --timeout clock while it lasts (harness/pool.ts), so the first pair on a worker is
// not failed for the boot and a later pair is not given less time than the first. The work keeps its own
// deadline (QemuSession's boot timeout). Outside a worker thread (tests, the main thread) it simply runs.
import { isMainThread, parentPort } from 'node:worker_threads';

export type ClockMessage = { type: 'clock'; running: boolean };

let depth = 0;

export async function offThePairClock<T>(work: () => Promise<T>): Promise<T> {
  const port = isMainThread ? null : parentPort;
  if (depth++ === 0) port?.postMessage({ type: 'clock', running: false } satisfies ClockMessage);
  try {
    return await work();
  } finally {
    if (--depth === 0) port?.postMessage({ type: 'clock', running: true } satisfies ClockMessage);
  }
}
