// One worker thread of the pool: loads the catalog (built-in and user workloads, engines, profile) once,
// then runs the pairs it is handed and posts each outcome back. The pool (harness/pool.ts) watches it: a
// pair that outlives --timeout has this thread terminated, and a thread the engine ends is noticed there.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCatalog, type CatalogSpec } from './catalog.ts';
import { runPairTask, type PairTask } from './pair.ts';

const port = parentPort;
if (!port) throw new Error('harness/worker.ts must run in a worker thread');
const catalog = await loadCatalog(workerData as CatalogSpec);
port.on('message', async (msg: { type: 'task'; task: PairTask }) => {
  const outcome = await runPairTask(catalog, msg.task);
  port.postMessage({ type: 'outcome', slot: msg.task.slot, outcome });
});
port.postMessage({ type: 'ready' });
