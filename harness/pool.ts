// Runs pairs on both cores: one worker thread per CPU (DESIGN: "uses both cores"), each loading the catalog
// once and taking the next pair when it finishes one. With one CPU, or one pair, pairs run in this thread.
// Outcomes come back in task order whatever order they finish in.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CatalogSpec } from './catalog.ts';
import { runPairTask, type PairOutcome, type PairTask } from './pair.ts';
import { loadCatalog } from './catalog.ts';

export interface PoolOptions {
  /** worker threads; 1 runs everything in this thread */
  workers: number;
  onDone(task: PairTask, outcome: PairOutcome): void;
  /** aborts outstanding work (Ctrl-C): workers are terminated and the promise rejects */
  signal?: AbortSignal;
}

export function defaultWorkerCount(): number {
  return os.availableParallelism();
}

async function runInline(spec: CatalogSpec, tasks: PairTask[], opts: PoolOptions): Promise<PairOutcome[]> {
  const catalog = await loadCatalog(spec);
  const outcomes: PairOutcome[] = [];
  for (const task of tasks) {
    opts.signal?.throwIfAborted();
    const outcome = await runPairTask(catalog, task);
    outcomes.push(outcome);
    opts.onDone(task, outcome);
  }
  return outcomes;
}

function runInWorkers(spec: CatalogSpec, tasks: PairTask[], opts: PoolOptions, count: number): Promise<PairOutcome[]> {
  return new Promise((resolve, reject) => {
    const outcomes = new Array<PairOutcome>(tasks.length);
    const workers: Worker[] = [];
    let next = 0;
    let finished = 0;
    let settled = false;

    const stop = (err?: unknown) => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      if (err === undefined) resolve(outcomes);
      else reject(err);
    };
    opts.signal?.addEventListener('abort', () => stop(opts.signal?.reason), { once: true });

    const feed = (worker: Worker) => {
      if (next < tasks.length) worker.postMessage({ type: 'task', task: tasks[next++] });
    };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: spec });
      workers.push(worker);
      worker.on('message', (msg: { type: 'outcome'; slot: number; outcome: PairOutcome } | { type: 'ready' }) => {
        if (msg.type === 'ready') return feed(worker);
        outcomes[msg.slot] = msg.outcome;
        opts.onDone(tasks[msg.slot], msg.outcome);
        finished++;
        if (finished === tasks.length) stop();
        else feed(worker);
      });
      worker.on('error', (err) => stop(err));
    }
  });
}

export async function runPairs(spec: CatalogSpec, tasks: PairTask[], opts: PoolOptions): Promise<PairOutcome[]> {
  const count = Math.min(opts.workers, tasks.length);
  if (count <= 1) return runInline(spec, tasks, opts);
  return runInWorkers(spec, tasks, opts, count);
}
