// One worker thread of the pool: loads the catalog (built-in and user workloads, engines, profile) once,
// then runs the pairs it is handed and posts each outcome back. The pool (harness/pool.ts) watches it: a
// pair that outlives --timeout has this thread terminated, and a thread the engine ends is noticed there.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCatalog, type CatalogSpec } from './catalog.ts';
import { runPairTask, type PairTask } from './pair.ts';

const port = parentPort;
if (!port) throw new Error('harness/worker.ts must run in a worker thread');
// What an engine prints would go to the process's stdout, which carries hvbench's own output only: both of
// this thread's streams are posted to the pool instead, on the port its outcomes use so that nothing printed
// is lost when the pool terminates the thread after the last outcome, and the pool writes them to stderr.
for (const stream of [process.stdout, process.stderr]) {
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    port.postMessage({ type: 'print', text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString() });
    const done = rest.find((x) => typeof x === 'function') as (() => void) | undefined;
    if (done) queueMicrotask(done);
    return true;
  }) as typeof stream.write;
}
const catalog = await loadCatalog(workerData as CatalogSpec);
port.on('message', async (msg: { type: 'task'; task: PairTask }) => {
  const outcome = await runPairTask(catalog, msg.task);
  port.postMessage({ type: 'outcome', slot: msg.task.slot, outcome });
});
port.postMessage({ type: 'ready' });
